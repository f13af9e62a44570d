"""Every Vietnamese sentence the bot says, in one place to proofread.

Keep them short and kind: many members are elderly volunteers reading on cheap phones.
"""

# --- quick-entry problems ------------------------------------------------------------
PROBLEM_UNKNOWN_WORD = "Mình chưa hiểu “{}”."
PROBLEM_NO_SERVICE = "Mình chưa thấy dịch vụ nào trong tin nhắn."
PROBLEM_FUTURE_DATE = "Ngày {} chưa tới, chưa ghi trước được."
PROBLEM_TOO_OLD = "Ngày {} đã quá 31 ngày, không ghi được nữa. Bạn báo tổ trưởng giúp nhé."
PROBLEM_BAD_COUNT = "Số lượng “{}” không hợp lệ: cần từ 1 trở lên."
PROBLEM_LARGE_COUNT = "Số {} khá lớn (trên 200), bạn xác nhận lại giúp mình."
PROBLEM_SCRUBBED = "Đã bỏ số {} (số điện thoại/CCCD) để giữ bí mật cho người dân."
PROBLEM_AMBIGUOUS = "Tin này hiểu được theo hai cách, bạn chọn giúp mình."
PROBLEM_IGNORED = "Mình bỏ qua: «{}»."

# --- strangers and joining -------------------------------------------------------------
STRANGER_GREETING = (
    "Xin chào! Đây là trợ lý ghi kết quả của Tổ công nghệ số cộng đồng.\n"
    "Để tham gia, bạn gõ /thamgia và mã mời mà tổ trưởng hoặc cán bộ phường gửi, "
    "ví dụ: /thamgia K7M3PX9Q"
)
BOT_FULL = (
    "Xin lỗi, {bot} đã đủ người theo gói hiện tại nên chưa nhận thêm được. "
    "Bạn nhắn cho {other} trên Zalo rồi gõ lại mã mời nhé. Mình đã báo cán bộ phường."
)
BOT_FULL_NO_OTHER = (
    "Xin lỗi, {bot} đã đủ người theo gói hiện tại nên chưa nhận thêm được. "
    "Mình đã báo cán bộ phường, cán bộ sẽ hướng dẫn bạn sớm."
)
STRANGER_IN_GROUP = "Bạn chưa tham gia tổ. Nhắn riêng cho mình: /thamgia và mã mời."
JOIN_IN_PRIVATE = "Mã mời là riêng của bạn: nhắn riêng cho mình /thamgia và mã nhé."
SHARE_PHONE_HINT = "Nếu tổ đã có số điện thoại của bạn, bấm “Chia sẻ số điện thoại” bên dưới."
BUTTON_SHARE_PHONE = "📱 Chia sẻ số điện thoại"
CONTACT_NOT_OWN = "Bạn chỉ chia sẻ được số điện thoại của chính mình. Bấm nút bên dưới nhé."
CONTACT_UNKNOWN = (
    "Số điện thoại này chưa có trong danh sách tổ. "
    "Bạn nhờ tổ trưởng thêm số, hoặc gõ /thamgia và mã mời."
)
NOT_JOINED = "Bạn chưa tham gia tổ nào. Gõ /thamgia và mã mời để bắt đầu nhé."
NOT_ALLOWED = {  # by the role a command needs
    "unit": "Việc này dành cho người đại diện đơn vị đăng ký mô hình.",
    "member": (
        "Việc này dành cho thành viên Tổ CNSCĐ. Đơn vị của bạn gõ /dangkymohinh để đăng ký "
        "mô hình chuyển đổi số, /sua để sửa."
    ),
    "leader": "Việc này chỉ tổ trưởng (hoặc cán bộ phường) làm được.",
    "officer": "Việc này chỉ cán bộ phường làm được.",
}
INVITE_INVALID = (
    "Mã mời này không đúng, đã dùng hoặc đã hết hạn. "
    "Bạn kiểm tra lại, hoặc xin tổ trưởng/cán bộ phường mã mới nhé."
)
INVITE_JUST_USED = (
    "Mã mời này vừa có người dùng để tham gia, mà mỗi mã chỉ dùng được một lần. "
    "Bạn nhờ tổ trưởng hoặc cán bộ phường gửi mã mới nhé."
)
INVITE_TOO_MANY = (
    "Bạn đã gõ sai mã mời nhiều lần. Để giữ an toàn, mình tạm chưa nhận mã mời từ bạn. "
    "Bạn thử lại sau {time} nhé, và nhờ tổ trưởng kiểm tra lại mã giúp."
)
TIME_ON_DAY = "{time} ngày {day}"  # 11:00 ngày 24/11/2026
REPLY_NOT_KEPT = (
    "Câu trả lời này có thông tin riêng nên mình không giữ lại. "
    "Bạn gõ lại lệnh nếu cần nhé (ví dụ /web để lấy liên kết mới)."
)
UNIT_VIA_UNIT_ADD = (
    "Người đại diện đơn vị không thêm vào tổ được: thêm cùng đơn vị của họ bằng "
    "gotungnha unit add --name … --rep …"
)
ALREADY_JOINED = "Chào {name}! Bạn đã ở {team} rồi. Gõ /trogiup để xem cách ghi."
ALREADY_JOINED_SHORT = "Bạn đã tham gia rồi. Gõ /trogiup để xem cách ghi."
CONSENT_NOTICE = (
    "Trước khi tham gia, bạn đọc giúp mình:\n"
    "• Mình lưu tên, số điện thoại (nếu có) và tài khoản chat của bạn, cùng số lượt "
    "hỗ trợ bạn ghi, chỉ để phục vụ công việc của tổ.\n"
    "• Mình KHÔNG lưu tên, số điện thoại hay số CCCD của người dân.\n"
    "• Tin thoại bạn gửi được nghe ngay trên máy chủ rồi bỏ đi, không lưu; chỉ phần chữ "
    "bạn chọn Lưu được giữ làm ghi chú.\n"
    "• Bạn xem dữ liệu của mình bằng /dulieucuatoi, xoá bằng /xoadulieucuatoi.\n"
    "• Bản sao lưu giữ dữ liệu {days} ngày rồi tự xoá. Khi bạn xoá dữ liệu, các tệp Excel "
    "đã xuất cũng bị xoá; nếu phải khôi phục từ bản sao lưu, mình xoá lại cho bạn.\n"
    "(Theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15.)\n"
    "Bạn có đồng ý không?"
)
CONSENT_ANSWER_PLEASE = "Bạn chọn 1 (Đồng ý) hoặc 2 (Không đồng ý) giúp mình nhé."
CONSENT_DECLINED = (
    "Mình chưa lưu gì về bạn. Khi nào muốn tham gia, bạn gõ lại /thamgia và mã mời nhé."
)
WELCOME = (
    "Chào mừng {name} đến với {team}! 🎉\n"
    "Mỗi lần đi hỗ trợ, bạn gửi một tin ngắn, ví dụ:\n"
    "  vneid 3 sskdt 2\n"
    "  hôm qua 4 hộ vneid 6 @ ngõ 5\n"
    "Hoặc gõ /ghi để mình hỏi từng bước. Gõ /trogiup để xem thêm."
)
CITY_WELCOME = (
    "Chào mừng {name}, cán bộ {city}! 🎉\n"
    "Bạn xem số liệu của mọi phường (chỉ số đếm, không có dữ liệu riêng của ai):\n"
    "/thongke – cả thành phố tuần này, /xuat – tệp Excel của thành phố, /web – trang theo dõi.\n"
    "Gõ /trogiup để xem mọi lệnh của bạn."
)
CITY_ALREADY_JOINED = "Chào {name}! Bạn đã là cán bộ {city} rồi. Gõ /trogiup để xem các lệnh."

# --- quick entry ---------------------------------------------------------------------
ENTRY_SAVED = "✅ Đã ghi lượt hỗ trợ:"
ENTRY_DAY = "Ngày {}"
ENTRY_HOUSEHOLDS = "• Số hộ đã đến: {}"
ENTRY_PEOPLE = "• Số người được hỗ trợ: {}"
ENTRY_PLACE = "• Địa điểm: {}"
ENTRY_NOTE = "• Ghi chú: {}"
ENTRY_PHOTO = "• Có ảnh minh chứng"
ENTRY_UNDO_HINT = "Nếu ghi nhầm, chọn Hoàn tác để xoá lượt này."
ENTRY_RETYPE = "Chưa ghi gì. Bạn gõ lại với ngày đúng giúp mình nhé."
ENTRY_NOTHING_UNDERSTOOD = (
    "Bạn gõ lại giúp mình, ví dụ: vneid 3 sskdt 2 (chưa ghi gì).\n"
    "Các dịch vụ: {}.\nGõ /trogiup để xem cách gõ từng dịch vụ."
)
ENTRY_PARTLY_UNDERSTOOD = (
    "Phần mình hiểu được:\n{items}\n"
    "Chưa ghi gì. Bạn gõ lại cả tin cho đúng, hoặc chọn ghi phần đã hiểu."
)
ENTRY_CONFIRM_LARGE = "Số {numbers} khá lớn. Bạn kiểm tra lại nhé:\n{summary}"
ENTRY_CANCELLED = "Đã bỏ, chưa ghi gì. Bạn gõ lại tin mới nhé."
ENTRY_NUMBER_LEFT_OUT = (
    "Có số mình chưa biết thuộc dịch vụ nào, nên chưa ghi gì.\n"
    "Bạn gõ lại cả tin giúp mình, mỗi số đứng cạnh dịch vụ của nó, ví dụ: vneid 3 sskdt 2."
)
ENTRY_IGNORED = "Mình bỏ qua: «{}»."
READING_HEADING = "Cách {}:"
BUTTON_READING = "Cách {}"
# the same report sent again within minutes: asked about, not logged twice in silence
SAME_ASK = (
    "Bạn vừa ghi y hệt lúc {time}. Ghi thêm một lượt nữa?\n{summary}\n"
    "Nếu bạn chỉ gửi lại vì mạng chậm, chọn Không."
)
GROUP_SAME_ASK = "{name}: bạn vừa ghi y hệt lúc {time} ({items}). Ghi thêm một lượt nữa?"
SAME_NOT_SAVED = "Được, mình không ghi thêm. Lượt bạn ghi lúc trước vẫn giữ nguyên."
UNDO_DONE = "↩️ Đã hoàn tác lượt ghi ngày {}:"
UNDO_NOTHING = "Bạn chưa có lượt nào để hoàn tác."
UNDO_ALREADY = "Lượt này đã được hoàn tác rồi."
UNDO_ASK = "Hoàn tác lượt ghi ngày {}?"
UNDO_KEPT = "Đã giữ nguyên lượt ghi, không hoàn tác gì."
NUMBER_WITHOUT_CHOICE = (
    "Số “{}” không ứng với lựa chọn nào đang mở: lựa chọn cũ đã hết hạn. "
    "Muốn hoàn tác lượt vừa ghi, gõ /huy. Muốn ghi, gõ ví dụ: vneid 3"
)
UNDO_TOO_LATE = (
    "Lượt này đã ghi quá {hours} giờ nên không hoàn tác được. Gõ /sua để sửa lượt gần nhất."
)
STEP_CANCELLED = "Đã huỷ việc đang làm dở. Chưa ghi gì."
SOMETHING_WENT_WRONG = (
    "Xin lỗi, mình đang gặp trục trặc nên chưa ghi gì. Bạn gửi lại sau ít phút giúp mình nhé."
)
CHOICE_EXPIRED = "Lựa chọn này đã cũ. Bạn gửi lại tin mới giúp mình nhé."
UNKNOWN_COMMAND = "Mình không biết lệnh /{}. Gõ /trogiup để xem các lệnh."
# greetings and thanks a member may send: answered kindly, not parsed as an entry
SMALL_TALK = {
    "chao",
    "xin chao",
    "chao ban",
    "chao bot",
    "hi",
    "hello",
    "alo",
    "a lo",
    "ok",
    "oke",
    "okie",
    "vang",
    "da",
    "da vang",
    "vang a",
    "da a",
    "uh",
    "u",
    "tot",
    "tot qua",
}
THANKS = {"cam on", "camon", "cam on ban", "cam on nhieu", "cam on a", "cam on bot", "thanks"}
THANKS |= {"thank you", "thank", "tks", "thanks you"}
# polite words around thanks or a greeting, as typed (folded): "dạ em cảm ơn bạn nhiều nhé ạ"
POLITE_BEFORE = {"da", "vang", "em", "xin", "thua", "a", "ok", "oke"}
POLITE_AFTER = {"nhe", "nha", "nhen", "a", "ah", "ha", "nhi", "nhieu", "lam", "qua", "roi"}
POLITE_AFTER |= {"ban", "em", "bot", "anh", "chi", "co", "chu", "bac", "ca", "moi", "nguoi"}
POLITE_AFTER |= {"oi", "luon", "vay", "nhaa", "nhee"}
THANKS_ANSWER = "Không có gì đâu {name}! 🙏 Cảm ơn bạn đã đi hỗ trợ bà con."
MINE_HOUSEHOLDS = ", {} hộ"
SMALL_TALK_ANSWER = (
    "Chào {name}! 😊 Mỗi lần hỗ trợ xong, bạn gửi một tin ngắn như “vneid 3 sskdt 2”, "
    "hoặc gõ /ghi để mình hỏi từng bước."
)
PHOTO_NEEDS_CAPTION = "Mình nhận được ảnh. Bạn gửi kèm nội dung giúp mình, ví dụ: vneid 3"

# --- /sua ----------------------------------------------------------------------------
EDIT_NOTHING = "Bạn chưa có lượt nào để sửa."
EDIT_SHOW = "Lượt gần nhất của bạn, ngày {}:"
EDIT_ASK = "Bạn gõ lại nội dung đúng cho lượt này (ví dụ: vneid 3 sskdt 2), hoặc chọn:"
EDIT_SAVED = "✏️ Đã sửa lượt hỗ trợ:"
EDIT_KEPT = "Đã giữ nguyên, không sửa gì."
EDIT_DELETED = "🗑️ Đã xoá lượt ngày {}. Lượt này không còn được tính."
EDIT_GONE = "Lượt này không còn nữa (đã xoá hoặc hoàn tác)."

# --- /ghi ----------------------------------------------------------------------------
GUIDED_SERVICE = "Bạn đã hỗ trợ dịch vụ nào?"
GUIDED_COUNT = "{service}: bao nhiêu người? Chọn, hoặc gõ số (ví dụ: 12 hay mười hai)."
GUIDED_COUNT_RANGE = "Số cần từ 1 đến 200."
GUIDED_MORE = "Đã có:\n{items}\nBạn có hỗ trợ thêm dịch vụ khác không?"
GUIDED_DAY = "Bạn hỗ trợ vào ngày nào?"
GUIDED_DAY_TYPE = "Bạn gõ ngày giúp mình, ví dụ: 05/12, 05/12/2026, hôm kia, thứ 2."
BUTTON_TODAY = "Hôm nay"
BUTTON_YESTERDAY = "Hôm qua"
BUTTON_OTHER_DAY = "Ngày khác"
GUIDED_HOUSEHOLDS = "Bạn đã đến bao nhiêu hộ? Gõ số, hoặc gõ “bỏ qua”."
GUIDED_PLACE = "Ở đâu? Gõ địa điểm (ví dụ: ngõ 5 Trần Nguyên Hãn), hoặc gõ “bỏ qua”."
GUIDED_PHOTO = "Gửi một ảnh làm minh chứng (nếu có), hoặc gõ “bỏ qua”."
GUIDED_CONFIRM = "Bạn kiểm tra lại nhé:\n{summary}"
GUIDED_NOT_UNDERSTOOD = "Mình chưa hiểu câu trả lời."

# typed answers that mean the same as a button
WORDS_YES = ("có", "vâng", "dạ", "dạ vâng", "vâng ạ", "có ạ", "đồng ý ạ", "ok", "oke", "yes")
WORDS_NO = ("không", "ko", "k", "không ạ", "thôi", "no")
WORDS_RIGHT = ("đúng", *WORDS_YES)  # "is this large count right?"
WORDS_WRONG = ("sai", *WORDS_NO)
WORDS_LOG_AGAIN = ("ghi", "thêm", "ghi thêm lượt nữa", *WORDS_YES)  # "log it again?"
DAY_NAMES = {0: "hôm nay", 1: "hôm qua", 2: "hôm kia"}

# --- buttons -------------------------------------------------------------------------
BUTTON_UNDO = "Hoàn tác"
BUTTON_AGREE = "Đồng ý"
BUTTON_DISAGREE = "Không đồng ý"
BUTTON_SAVE_UNDERSTOOD = "Ghi phần đã hiểu"
BUTTON_RETYPE = "Bỏ, để tôi gõ lại"
BUTTON_CONFIRM_LARGE = "Đúng, ghi lại"
BUTTON_RIGHT = "Đúng"
BUTTON_FIX = "Sửa lại"
SUGGEST_ASK = "Ý bạn là {}? Mình sẽ ghi:"
BUTTON_SAVE = "Lưu"
BUTTON_CANCEL = "Huỷ"
BUTTON_SKIP = "Bỏ qua"
BUTTON_DONE = "Xong"
BUTTON_NEXT = "Không, tiếp tục"
BUTTON_ADD_SERVICE = "Thêm dịch vụ"
BUTTON_DELETE_LOG = "Xoá lượt này"
BUTTON_KEEP = "Giữ nguyên"
BUTTON_LOG_AGAIN = "Ghi thêm"
BUTTON_NO = "Không"
BUTTON_ERASE = "Xoá dữ liệu của tôi"

# --- /cuatoi, /thongke ---------------------------------------------------------------
MINE_TITLE = "📋 Lượt hỗ trợ của {name}"
MINE_EMPTY = "Bạn chưa ghi lượt nào. Thử gửi: vneid 1"
MINE_RECENT = "Gần đây:"
PERIOD_WEEK = "Tuần này (từ {}):"
PERIOD_MONTH = "Tháng {}:"
STATS_NONE = "• Chưa có lượt nào."
STATS_LOGS = "• Số lượt hỗ trợ: {}"
# a lower bound: each log's typed "N người", else its largest service count (SPEC §6)
STATS_PEOPLE = "• Số người dân được hỗ trợ (ít nhất): {}"
TEAM_TITLE = "📊 {team}"
TEAM_ACTIVE = "• Thành viên đã ghi: {active}/{joined}"
# a team's logs by people it does not count as members (storage.membership), so that
# "Số lượt hỗ trợ: 15" beside "Thành viên đã ghi: 0/3" reads true
LOGS_OUTSIDE = "• Trong đó {parts}"
LOGS_LEFT = "{n} lượt của người đã rời tổ hoặc đã xoá dữ liệu"
LOGS_OFFICERS = "{n} lượt của cán bộ phường"
TEAM_IDLE = "Chưa ghi tuần này: {}"
WARD_TITLE = "📊 {ward}"
WARD_RANKING = "Các tổ tuần này (số lượt):"
WARD_RANK_LINE = "{n}. {team}: {logs}"

# --- the Telegram commands menu (setMyCommands) ------------------------------------------
COMMAND_MENU = (
    ("ghi", "Ghi lượt hỗ trợ từng bước"),
    ("huy", "Hoàn tác lượt vừa ghi"),
    ("sua", "Sửa lượt gần nhất"),
    ("cuatoi", "Lượt hỗ trợ của tôi"),
    ("thongke", "Kết quả của tổ"),
    ("chiendich", "Chiến dịch đang diễn ra"),
    ("trogiup", "Hướng dẫn cách ghi"),
    ("thamgia", "Tham gia tổ bằng mã mời"),
    ("lienket", "Tổ trưởng: liên kết nhóm chat của tổ"),
    ("danop", "Tổ trưởng: báo tổ đã nộp báo cáo"),
    ("xuat", "Tổ trưởng, cán bộ phường: tệp Excel báo cáo"),
    ("web", "Tổ trưởng, cán bộ phường: trang theo dõi trên web"),
    ("tiendo", "Cán bộ phường: tổ nào đã nộp báo cáo"),
    ("hanchot", "Cán bộ phường: thêm hạn báo cáo"),
    ("dangkymohinh", "Đơn vị: đăng ký mô hình chuyển đổi số"),
    ("tatnhac", "Tắt lời nhắc khi lâu chưa ghi"),
    ("batnhac", "Bật lại lời nhắc"),
    ("dulieucuatoi", "Dữ liệu của tôi"),
    ("xoadulieucuatoi", "Xoá dữ liệu của tôi"),
)
_MY_LOGS = ("ghi", "huy", "sua", "cuatoi", "thongke", "chiendich")
_MY_ACCOUNT = ("trogiup", "tatnhac", "batnhac", "dulieucuatoi", "xoadulieucuatoi")
_CITY = ("thongke", "xuat", "tiendo", "hanchot", "chiendich", "web")  # the city's officer's
MENUS = {  # the commands each role's private chat shows, and a group's; by name
    "": (*_MY_LOGS, "thamgia", *_MY_ACCOUNT),
    "member": (*_MY_LOGS, *_MY_ACCOUNT),
    "leader": (*_MY_LOGS, "lienket", "danop", "xuat", "web", *_MY_ACCOUNT),
    "officer": (*_MY_LOGS, "tiendo", "hanchot", "xuat", "web", "lienket", "danop", *_MY_ACCOUNT),
    "unit": ("dangkymohinh", "sua", "trogiup", "dulieucuatoi", "xoadulieucuatoi"),
    "city": (*_CITY, "trogiup", "dulieucuatoi", "xoadulieucuatoi"),
    "group": ("ghi", "thongke", "chiendich", "lienket", "danop", "trogiup"),
}
BUTTON_NOT_YOURS = "Nút này dành cho người khác."

# --- deadlines (/danop, /tiendo) -------------------------------------------------------
NO_DEADLINE = "Phường chưa có hạn báo cáo nào sắp tới."
SUBMITTED = (
    "✅ Đã ghi nhận {team} đã nộp {deadline} (hạn cuối {day}). Mình thôi nhắc tổ cho kỳ này."
)
SUBMITTED_ALREADY = "{team} đã báo nộp {deadline} (hạn cuối {day}) rồi."
SUBMITTED_WHICH_TEAM = (
    "/danop là để tổ trưởng báo tổ mình đã nộp báo cáo. Nếu bạn nộp thay một tổ, gõ kèm "
    "tên tổ, ví dụ: /danop {example}\nChưa nộp {deadline}: {missing}"
)
SUBMITTED_NO_SUCH_TEAM = "Mình không thấy tổ nào tên “{typed}”. Các tổ của phường: {teams}"
SUBMITTED_SEVERAL_TEAMS = "“{typed}” khớp nhiều tổ: {teams}. Bạn gõ rõ tên tổ hơn nhé."
PROGRESS_TITLE = "📋 {deadline}, hạn cuối {day}: {sent}/{total} tổ đã nộp."
PROGRESS_SENT = "Đã nộp: {}"
PROGRESS_MISSING = "Chưa nộp: {}"
PROGRESS_UNITS = "🏫 Đăng ký mô hình: {done}/{total} đơn vị đã đăng ký."
PROGRESS_UNITS_MISSING = "Chưa đăng ký: {}"
NOBODY = "không có"
DEADLINE_HOW = (
    "Gõ tên và ngày “trước ngày” trong văn bản, ví dụ: /hanchot Đăng ký mô hình 20/04/2026"
)
DEADLINE_PAST = "Hạn cuối {} đã qua rồi."
DEADLINE_NEEDS_YEAR = (
    "Ngày “{day}” còn thiếu năm. Bạn gõ đủ ngày/tháng/năm nhé, ví dụ: /hanchot {example}"
)
DEADLINE_NEEDS_NAME = "Hạn này tên là gì? Bạn gõ tên trước ngày, ví dụ: /hanchot {example}"
DEADLINE_ADDED = (
    "🗓️ Đã thêm hạn “{name}”: hạn cuối {day} (trước ngày {before}). Tổ trưởng sẽ được "
    "nhắc trước 7, 3, 1 ngày và đúng ngày cuối."
)

REMINDER = "⏰ Nhắc hạn {deadline}: hạn cuối {day}, {when}.\nNộp xong, tổ trưởng gõ /danop nhé."
REMINDER_DAYS_LEFT = "còn {} ngày"
REMINDER_UNIT = (
    "⏰ Nhắc hạn {deadline}: hạn cuối {day}, {when}.\n"
    "{unit} chưa đăng ký mô hình nào. Gõ /dangkymohinh để đăng ký nhé."
)
PREVIEW_UNIT = "{name} (đại diện {unit}, {platform})"
REMINDER_TODAY = "hôm nay là ngày cuối"
TALLY_TITLE = "📊 {team}, tuần {start}–{end}:"
TALLY_WARD_TITLE = "📊 {ward}, tuần {start}–{end}, các tổ theo số lượt hỗ trợ:"
TALLY_LOGS = "• Số lượt hỗ trợ: {logs} ({change} so với tuần trước)"
TALLY_TARGET = "• Chỉ tiêu {period}: {service} {done}/{target} ({percent}%)"
PERIOD_NAMES = {"month": "tháng", "quarter": "quý", "year": "năm"}
TALLY_LOGS_FIRST = "• Số lượt hỗ trợ: {logs} (tuần trước chưa có lượt nào)"
TALLY_CHART = "{name}: lượt hỗ trợ, tuần {start}–{end}"
CHART_LINK = "📈 Biểu đồ: {url}"
TALLY_IDLE = "Tuần này mong gặp lại: {}. Cảm ơn cả tổ! 🙏"
TALLY_PRIVATE = (  # a tally to a leader's own chat: the team has no linked group
    "(Tổ chưa liên kết nhóm chat nên mình gửi riêng cho bạn. Gõ /lienket để xem cách "
    "liên kết nhóm.)"
)

NUDGE = (
    "Chào {name}! Cả tuần nay mình chưa thấy lượt hỗ trợ nào của bạn. Lần tới đi hỗ trợ, "
    "chỉ cần gửi “vneid 1” là xong. Cảm ơn bạn! (Không muốn nhận lời nhắc này: gõ /tatnhac)"
)
NUDGES_OFF = "Đã tắt lời nhắc khi lâu chưa ghi. Muốn bật lại, gõ /batnhac."
NUDGES_ON = "Đã bật lời nhắc khi một tuần chưa ghi lượt nào."

# --- campaigns (/chiendich, weekly tallies, the officers' launch and mid-way notices) ---
CAMPAIGN = "Chiến dịch {name}"  # unless its name starts with these words already
CAMPAIGN_TARGET = {"ward": "{n} lượt mỗi phường", "team": "{n} lượt mỗi tổ"}
CAMPAIGN_EVERY_WARD = "mọi phường, xã"
CAMPAIGN_TALLY = "📣 {title}: {done}/{target} ({whose})"
CAMPAIGN_WHOSE = {"ward": "cả phường", "team": "của tổ"}
CAMPAIGN_TALLY_SHARE = "📣 {title}: tổ góp {done} lượt"
CAMPAIGN_TALLY_TEAMS = "📣 {title}: {reached}/{teams} tổ đạt {target} lượt"
CAMPAIGN_HEAD = "📣 {title} ({first}–{last})"
CAMPAIGN_ABOUT = "Dịch vụ: {services}. Chỉ tiêu: {target}."
CAMPAIGN_WARD_LINE = "• {ward}: {done}/{target} ({percent}%)"
CAMPAIGN_TEAM_SHARE = "• {team} góp: {done}"
CAMPAIGN_TEAM_LINE = "• {team}: {done}/{target} ({percent}%)"
CAMPAIGN_REACHED = "• Số tổ đạt chỉ tiêu: {reached}/{teams}"
CAMPAIGN_TEAMS = "Các tổ:"
CAMPAIGN_RANK = "{n}. {team}: {done}"
CAMPAIGN_RANK_TARGET = "{n}. {team}: {done}/{target}"
CAMPAIGN_DONE_MARK = " ✅"
CAMPAIGN_DAYS_LEFT = "Còn {n} ngày."
CAMPAIGN_LAST_DAY = "Hôm nay là ngày cuối."
CAMPAIGN_NONE = "Hiện chưa có chiến dịch nào đang diễn ra."
CAMPAIGN_SOON = "Sắp tới: {title}, từ {first} đến {last}."
CAMPAIGN_LAUNCH = (
    "📣 Phát động {title}\n"
    "• Thời gian: {first}–{last}\n"
    "• Dịch vụ: {services}\n"
    "• Chỉ tiêu: {target}\n"
    "• Áp dụng cho: {where}\n"
    "Các tổ thấy tiến độ trong tổng kết tuần; gõ /chiendich để xem bất cứ lúc nào."
)
CAMPAIGN_MIDWAY = "📣 {title} ({first}–{last}) đã đi được nửa chặng. Kết quả đến hôm nay:"
CAMPAIGN_MIDWAY_END = "Còn {n} ngày. Cảm ơn các tổ! 🙏"

# --- voice, stickers, files ------------------------------------------------------------
VOICE_NOT_YET = "🎙️ Mình chưa nghe được tin thoại. Bạn gõ giúp mình nhé, ví dụ: vneid 3 sskdt 2"
# a voice message, heard by the bot's own speech engine (nothing leaves the server)
VOICE_HEARD = "🎙️ Mình nghe được: «{}»"
VOICE_WILL_SAVE = "→ Mình sẽ ghi:"
VOICE_CHOOSE = "Chọn Lưu để ghi, Sửa để gõ lại, Huỷ để bỏ. Tin thoại không được lưu lại."
VOICE_MAYBE = "Ý bạn là {}?"
VOICE_LARGE = "Số {} khá lớn, bạn nghe lại giúp mình nhé."
VOICE_OTHER_READING = "Cũng có thể hiểu là: {}. Nếu vậy, bạn chọn Sửa để gõ lại."
VOICE_NOTHING_PLACED = (
    "Mình chưa nghe ra dịch vụ nào, chưa ghi gì. Bạn nói tên dịch vụ và số lượng, "
    "ví dụ «cài VNeID ba người, sổ sức khỏe hai», hoặc gõ: vneid 3 sskdt 2"
)
VOICE_NOT_HEARD = (
    "🎙️ Mình chưa nghe ra lời nào, chưa ghi gì. Bạn nói gần điện thoại hơn, "
    "hoặc gõ giúp mình, ví dụ: vneid 3 sskdt 2"
)
VOICE_PROBLEM = {
    "too_quiet": (
        "🎙️ Tin thoại nhỏ quá, mình không nghe rõ, chưa ghi gì. Bạn nói to hơn một chút "
        "hoặc gõ giúp mình, ví dụ: vneid 3 sskdt 2"
    ),
    "too_long": (
        "🎙️ Tin thoại dài quá (mình nghe tối đa {seconds} giây), chưa ghi gì. Bạn nói "
        "ngắn gọn tên dịch vụ và số lượng, ví dụ «cài VNeID ba người»."
    ),
    "unreadable": (
        "🎙️ Mình không mở được tin thoại này, chưa ghi gì. Bạn gửi lại hoặc gõ giúp mình, "
        "ví dụ: vneid 3 sskdt 2"
    ),
    "busy": (
        "🎙️ Đang có nhiều tin thoại chờ nghe, chưa ghi gì. Bạn gửi lại sau ít phút "
        "hoặc gõ giúp mình, ví dụ: vneid 3 sskdt 2"
    ),
    "failed": (
        "🎙️ Mình gặp trục trặc khi nghe tin thoại này, chưa ghi gì. Bạn gõ giúp mình, "
        "ví dụ: vneid 3 sskdt 2"
    ),
}
VOICE_FIX = "✏️ Bạn gõ lại cho đúng giúp mình (chưa ghi gì), ví dụ:\n  {}"
VOICE_NOTE = "🎙️ {}"  # the note a voice entry keeps: the words heard, never the sound
BUTTON_VOICE_FIX = "Sửa"
WORDS_SAVE = ("lưu", "luu", "ghi", *WORDS_RIGHT)
WORDS_FIX = ("sửa", "sua", "sai")
WORDS_CANCEL = ("huỷ", "hủy", "huy", "bỏ", *WORDS_NO)
STICKER_SEEN = "😊 Cảm ơn bạn! Muốn ghi lượt hỗ trợ, bạn gõ ví dụ: vneid 3 sskdt 2"
UNSUPPORTED = (
    "Mình chỉ đọc được tin chữ và ảnh, chưa mở được tin này. "
    "Bạn gõ nội dung bằng chữ giúp mình nhé, ví dụ: vneid 3"
)
FILE_LINK = "📎 {name}: {url}\n(Đường link dùng được đến {until}.)"
LINK_EXPIRED = "Đường link không đúng hoặc đã hết hạn. Bạn xin gửi lại tệp trong chat nhé."
FILE_REMOVED = (
    "Tệp này đã được xoá vì một thành viên vừa xoá dữ liệu của mình. "
    "Bạn gõ /xuat trong chat để nhận bản mới nhé."
)
FILE_NOT_AVAILABLE = "Tệp này chưa gửi qua Zalo được. Bạn nhờ cán bộ phường gửi giúp nhé."

# --- group chats ---------------------------------------------------------------------
LINK_ONLY_IN_GROUP = "Bạn thêm mình vào nhóm chat của tổ, rồi gõ /lienket ngay trong nhóm đó nhé."
LINK_BY_INVITE = (  # Zalo: a bot joins a group by an invite the group's owner confirms
    "Để mình vào nhóm Zalo của tổ:\n"
    "1. Người quản lý bot mở Zalo Bot Creator, chọn “Mời Bot vào nhóm” và gửi lời mời tới "
    "nhóm của tổ.\n"
    "2. Trưởng nhóm xác nhận lời mời.\n"
    "3. Trong nhóm, bạn gõ @, chọn tên mình rồi gõ /lienket, ví dụ: {mention} /lienket\n"
    "Nếu chưa mời được (Zalo đang thử nghiệm nhóm, mỗi gói chỉ được vài nhóm), không sao: "
    "tổng kết tuần và nhắc hạn sẽ gửi riêng cho tổ trưởng."
)
LINK_NO_GROUPS = (
    "Hiện Zalo chưa cho bot này vào nhóm (tính năng nhóm đang thử nghiệm). Không sao: "
    "tổng kết tuần và nhắc hạn sẽ gửi riêng cho tổ trưởng trong chat này."
)
LINK_DONE = "🔗 Đã liên kết nhóm này với {name}. Kết quả hằng tuần sẽ được gửi vào đây."
LINK_ALREADY = "Nhóm này đã liên kết với {name} rồi."
GROUP_REACH = {  # how members make the bot hear them in a group, by what the bot can read
    "all": "👉 Trong nhóm, mọi người nhắc {mention} ở đầu tin là mình nghe được, ví dụ: "
    "{mention} vneid 3",
    "reply": "👉 Trong nhóm này mình chỉ nghe được lệnh và tin trả lời tin của mình. Mọi người "
    "gõ “/ghi vneid 3”, hoặc trả lời (reply) một tin của mình rồi gõ “vneid 3”. Tin chỉ nhắc "
    "{mention} có thể không đến được mình.",
    "mention": "👉 Trong nhóm Zalo, mình chỉ nhận tin có nhắc tên mình hoặc trả lời tin của "
    "mình: mọi người gõ @, chọn tên mình trong danh sách rồi gõ nội dung, ví dụ: "
    "{mention} vneid 3",
}
LINK_TAKEN = "Nhóm này đã liên kết với tổ khác. Nhờ cán bộ phường đổi giúp nhé."
GROUP_SAVED = "✅ {name}: {items}"

# --- roster (admin commands) --------------------------------------------------------
ROSTER_BAD_PHONE = "Số điện thoại “{}” không hợp lệ."
ROSTER_NO_WARD = 'Chưa có phường nào: thêm --ward "Tên phường".'
ROSTER_WHICH_WARD = "Có nhiều phường: chọn một bằng --ward."
ROSTER_NAME_AND_TEAM = "Cần có họ tên và tên tổ."
WARD_NAME = "Cần có tên phường, xã (tối đa 200 ký tự), ví dụ “Phường Lê Chân”."
WARD_EXISTS = "Đã có “{name}”: không thêm lần nữa."
WARD_IS_CITY_OFFICE = "“{name}” là văn phòng của thành phố, không phải một phường."
CITY_NAME_NEEDED = (
    'Chưa đặt tên thành phố: thêm [city] name = "Thành phố Hải Phòng" vào config.toml.'
)
CITY_NAME_IS_WARD = "Đã có phường tên “{name}”: đặt [city] name khác tên phường."

# --- names of platforms and roles ------------------------------------------------------
PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "máy tính"}
# a member reading their own data is told the terminal account was only for trying out
PLATFORM_NAMES_FOR_MEMBER = {**PLATFORM_NAMES, "console": "máy tính (thử nghiệm)"}
ROLE_NAMES = {
    "unit": "người đại diện đơn vị",
    "member": "thành viên",
    "leader": "tổ trưởng",
    "officer": "cán bộ phường",
    "city": "cán bộ thành phố",
}
PREVIEW_GROUP = "nhóm “{title}” ({platform})"
PREVIEW_LEADER = "{name} (tổ trưởng, {platform})"
PREVIEW_OFFICER = "{name} (cán bộ phường, {platform})"
PREVIEW_KINDS = {  # what `gotungnha schedule preview` calls each kind of send
    "deadline_reminder": "nhắc {deadline} (hạn cuối {day})",
    "deadline_workbook": "tệp Excel {deadline} (hạn cuối {day})",
    "weekly_tally": "tổng kết tuần",
    "nudge": "lời nhắc lâu chưa ghi",
    "bot_paused": "báo bot hết hạn mức",
    "bot_full": "báo bot đủ người",
    "backup_failed": "báo sao lưu không được",
    "campaign_launch": "báo phát động chiến dịch",
    "campaign_midway": "báo giữa chiến dịch",
}
USAGE_KINDS = {  # what each kind of message counted against a bot's quota is called
    "reply": "trả lời",
    "deadline_reminder": "nhắc hạn",
    "deadline_workbook": "tệp Excel",
    "weekly_tally": "tổng kết tuần",
    "nudge": "nhắc ghi",
    "received": "tin nhận",  # [zalo] count_incoming: what members sent counts too
    "bot_paused": "báo cán bộ",
    "bot_full": "báo cán bộ",
    "backup_failed": "báo cán bộ",
    "campaign_launch": "báo cán bộ",
    "campaign_midway": "báo cán bộ",
}
USAGE_PEOPLE = (  # what max_users is checked against, and what Zalo likely counts
    "  Người dùng: {users} thành viên đã liên kết (max_users so với số này), {senders} người "
    "đã nhắn bot {when} (Zalo có thể tính theo số này)"
)
USAGE_MONTH_GONE = (
    "  Tháng đã qua: số thành viên liên kết là của hôm nay; tin đang chờ và tạm dừng chỉ xem "
    "được ở tháng này."
)
USAGE_COUNTED_OUT = "  Tin tính vào hạn mức tháng: tin bot gửi đi (count_incoming = false)"
USAGE_COUNTED_IN = (
    "  Tin tính vào hạn mức tháng: tin bot gửi đi và tin bot nhận (count_incoming = true)"
)
USAGE_SENDERS_OVER = (
    "  ⚠️ {senders} người đã nhắn, nhiều hơn max_users ({most}): Zalo có thể đã tính đủ người "
    "dùng của gói."
)
BOT_PAUSED_NOTICE = (
    "⚠️ {bot} đã hết hạn mức tin nhắn của tháng, nền tảng không nhận thêm tin. Mình tạm dừng "
    "gửi tin theo lịch qua bot này; tin chưa gửi được giữ lại và tự gửi khi bot gửi được trở "
    "lại. Mức dùng từng bot: trang theo dõi (/web) hoặc lệnh gotungnha zalo usage."
)
BACKUP_FAILED_NOTICE = (
    "⚠️ Bản sao lưu dữ liệu hằng ngày lúc {bot} không làm được. Dữ liệu vẫn còn nguyên, "
    "nhưng chưa có bản sao mới: anh/chị báo người quản trị máy chủ kiểm tra (nhật ký ghi "
    "“backup failed”; sao lưu tay bằng lệnh gotungnha backup). Ngày mai bot sẽ thử lại."
)
BOT_FULL_NOTICE = (
    "⚠️ {bot} đã đủ số người gói hiện tại cho phép, nên vừa có người không vào được. Anh/chị "
    "có thể chia các tổ sang bot khác (cột “Bot Zalo” của danh sách, hoặc gotungnha invites "
    "--zalo-bot), hoặc nâng gói Zalo."
)
MYDATA_ACCOUNT = "{platform} (từ {day})"
MYDATA_ACCOUNT_NAMED = "{platform} “{name}” (từ {day})"

# --- personal data -------------------------------------------------------------------
MYDATA_TITLE = "Dữ liệu mình đang lưu về bạn:"
MYDATA_NAME = "• Họ tên: {}"
MYDATA_PHONE = "• Số điện thoại: {}"
MYDATA_ROLE = "• Vai trò: {}"
MYDATA_TEAM = "• Tổ: {team} ({ward})"
MYDATA_UNIT = "• Đơn vị: {unit} ({ward})"
MYDATA_ACCOUNTS = "• Tài khoản chat: {}"
MYDATA_CONSENT = "• Đồng ý tham gia ngày: {}"
MYDATA_LOGS = "• Số lượt hỗ trợ đã ghi: {}"
MYDATA_NOTE = "• Ghi chú trong danh sách của phường: {}"
MYDATA_DETAILS = "• Ghi chú, địa điểm, ảnh trong các lượt đã ghi ({}):"
MYDATA_DETAIL = "  – {day}{undone}: {parts}"
MYDATA_DETAIL_UNDONE = " (đã hoàn tác)"
MYDATA_DETAIL_PLACE = "địa điểm “{}”"
MYDATA_DETAIL_NOTE = "ghi chú “{}”"
MYDATA_DETAIL_PHOTO = "có ảnh"
MYDATA_PHOTO_LINKS = (
    "• Ảnh gửi qua Zalo: mình chỉ lưu đường link Zalo đưa, không lưu ảnh. Link này có thể "
    "hết hạn, khi đó ảnh không xem lại được nữa."
)
MYDATA_DETAILS_MORE = "  … và {} lượt nữa."
MYDATA_NUDGES_ON = "• Nhắc nhở: đang bật"
MYDATA_NUDGES_OFF = "• Nhắc nhở: đang tắt"
MYDATA_NONE = "không có"
MYDATA_COPIES = (
    "• Bản sao lưu hằng ngày cũng có các thông tin này, giữ {days} ngày rồi tự xoá. Khi bạn "
    "xoá dữ liệu, các tệp Excel đã xuất cũng bị xoá; nếu phải khôi phục từ bản sao lưu, "
    "mình xoá lại cho bạn."
)
MYDATA_FOOTER = "Mình không lưu thông tin nào của người dân. Muốn xoá, gõ /xoadulieucuatoi."
ERASE_ASK = (
    "Bạn muốn xoá tên, số điện thoại, tài khoản chat của mình, cùng ghi chú, địa điểm "
    "và ảnh trong các lượt đã ghi?\n"
    "Các lượt hỗ trợ đã ghi vẫn được tính vào tổng của tổ, nhưng không còn tên bạn. "
    "Sau khi xoá, bạn cần mã mời mới để tham gia lại."
)
ERASE_DONE = (
    "Đã xoá dữ liệu của bạn, cả các tệp Excel đã xuất. Bản sao lưu cũ tự xoá sau {days} ngày; "
    "nếu phải khôi phục từ đó, mình xoá lại cho bạn. Cảm ơn bạn đã đồng hành cùng tổ! 🙏"
)
ERASE_KEPT = "Đã giữ nguyên, không xoá gì."

# --- help ----------------------------------------------------------------------------
HELP_QUICK_ENTRY = (
    "📝 Cách ghi nhanh: gửi một tin, ví dụ\n"
    "• vneid 3 sskdt 2\n"
    "• 3 vneid, 2 sổ sức khỏe\n"
    "• hôm qua 4 hộ vneid 6 smart hp 2\n"
    "• hôm kia mức 2 x2 @ ngõ 45 Trần Nguyên Hãn\n"
    "• vneid 2 gc: bà cụ cần hướng dẫn lại\n"
    "• thứ 2 vneid 3\n"
    "• cài vneid cho ba người\n"
    "• sáng nay 2 sskdt\n"
    "Số đứng trước hoặc sau dịch vụ, viết bằng số hay bằng chữ; không ghi số là 1. "
    "Ngày: hôm nay (mặc định), hôm qua, hôm kia, thứ 2 … chủ nhật (ngày gần nhất) "
    "hoặc ngày/tháng (ví dụ 20/11). "
    "Địa điểm sau @ hoặc “tại”; ghi chú sau “ghi chú:” (viết tắt “gc:”).\n"
    "Chữ không phải số liệu thì mình bỏ qua và nói rõ; số nào chưa rõ của dịch vụ nào thì "
    "mình hỏi lại, chưa ghi gì.\n"
    "Không ghi số điện thoại, CCCD của người dân."
)
HELP_VOICE = (
    "🎙️ Gửi tin thoại cũng được: nói tên dịch vụ và số lượng, ví dụ «cài VNeID ba người, "
    "sổ sức khỏe hai». Mình nhắc lại điều nghe được, bạn chọn Lưu thì mới ghi."
)
HELP_SERVICES = "Các dịch vụ (gõ có dấu hay không dấu đều được):\n{}"
HELP_COMMANDS = (
    "Các lệnh:\n"
    "/ghi – ghi từng bước\n"
    "/huy – hoàn tác lượt vừa ghi\n"
    "/sua – sửa lượt gần nhất\n"
    "/cuatoi – lượt của tôi\n"
    "/thongke – kết quả của tổ\n"
    "/chiendich – chiến dịch đang diễn ra và tiến độ\n"
    "/tatnhac, /batnhac – tắt, bật lời nhắc khi lâu chưa ghi\n"
    "/dulieucuatoi – dữ liệu của tôi\n"
    "/xoadulieucuatoi – xoá dữ liệu của tôi"
)
HELP_LEADER = (
    "Lệnh của tổ trưởng:\n"
    "/thongke – kết quả của tổ và ai chưa ghi tuần này\n"
    "/xuat – tệp Excel báo cáo quý này (/xuat thang, /xuat 01/10/2026-31/12/2026)\n"
    "/danop – báo tổ đã nộp báo cáo kỳ này (thôi nhắc tổ)\n"
    "/lienket – gõ trong nhóm chat của tổ để bot gửi tổng kết tuần vào nhóm\n"
    "/web – link vào trang theo dõi trên máy tính hoặc điện thoại"
)
HELP_OFFICER = (
    "Lệnh của cán bộ phường:\n"
    "/thongke – số liệu cả phường, xếp hạng các tổ\n"
    "/chiendich – tiến độ chiến dịch của cả phường và từng tổ\n"
    "/tiendo – tổ nào đã nộp báo cáo, đơn vị nào đã đăng ký mô hình\n"
    "/danop TDP 3 – ghi nhận nộp thay một tổ\n"
    "/hanchot – thêm hạn báo cáo: tên và ngày “trước ngày” trong văn bản, ví dụ: "
    "/hanchot Báo cáo tháng 12 31/12/2026 (hạn cuối 30/12/2026)"
)

WORKBOOK_AT_DEADLINE = (
    "📊 Hôm nay ({day}) là hạn cuối {deadline}. Gửi anh/chị tệp số liệu của {who} "
    "{period} để làm báo cáo."
)

ENTRY_NOTE_TOO_LONG = (
    "Ghi chú dài quá ({n} ký tự, tối đa {limit}), nên mình chưa lưu. "
    "Bạn gửi lại với ghi chú ngắn hơn nhé."
)
ENTRY_PLACE_TOO_LONG = (
    "Địa điểm dài quá ({n} ký tự, tối đa {limit}), nên mình chưa lưu. "
    "Bạn gửi lại với địa điểm ngắn hơn nhé."
)
DEADLINE_NAME_TOO_LONG = "Tên hạn dài quá ({n} ký tự, tối đa {limit}). Bạn đặt tên ngắn hơn nhé."
ALREADY_HANDLED = "ℹ️ Tin này mình đã nhận rồi, không ghi thêm lần nữa."
PRIVATE_ONLY = "Việc này có thông tin riêng của bạn, nên bạn nhắn riêng {command} cho mình nhé."

# --- /xuat ------------------------------------------------------------------------------
EXPORT_READY = "📊 Báo cáo {who}, {period}: {logs} lượt hỗ trợ. Tệp Excel ở dưới."
EXPORT_PERIOD = "từ {start} đến {end}"
EXPORT_PRIVATE_ONLY = (
    "Tệp báo cáo có danh sách thành viên, nên mình chỉ gửi khi nhắn riêng. "
    "Bạn nhắn /xuat cho mình nhé."
)
EXPORT_PERIOD_PROBLEMS = {
    "unknown": "Mình chưa hiểu khoảng thời gian này.",
    "bad_date": "Ngày không đúng.",
    "reversed": "Ngày bắt đầu phải trước ngày kết thúc.",
}
EXPORT_HOW = (
    "Gõ /xuat (quý này), /xuat tuan, /xuat thang, /xuat nam, /xuat quy truoc, "
    "hoặc /xuat 01/10/2026-31/12/2026."
)

# --- /web: the dashboard's login link ---------------------------------------------------
WEB_LINK = (
    "🔗 Trang theo dõi của {who}:\n{url}\n\n"
    "Link dùng được một lần, trong 15 phút, chỉ dành cho bạn: đừng chuyển cho ai nhé. "
    "Mở link rồi bấm «Vào trang theo dõi»; trang giữ đăng nhập 8 giờ."
)
WEB_OFF_HERE = (
    "Trong bản thử trên máy tính, trang theo dõi chạy bằng lệnh: make web "
    "(hoặc gotungnha web --user {user}). Lệnh đó in ra link vào cho bạn."
)
WEB_OFF = (
    "Trang theo dõi trên web chưa được bật. Nhờ người quản trị đặt địa chỉ công khai "
    "của bot (public_url) nhé. Trong lúc chờ, /thongke và /xuat vẫn dùng được."
)
WEB_PRIVATE_ONLY = "Link đăng nhập chỉ dành cho bạn, nên bạn nhắn riêng /web cho mình nhé."

# --- units and their models (/dangkymohinh) ------------------------------------------------
UNIT_WELCOME = (
    "Chào mừng {name}, người đại diện {unit}! 🎉\n"
    "Gõ /dangkymohinh để đăng ký mô hình chuyển đổi số của đơn vị: mình hỏi 6 mục "
    "như biểu của phường, bạn trả lời từng mục."
)
UNIT_ALREADY_JOINED = (
    "Chào {name}! Bạn là người đại diện {unit}. Gõ /dangkymohinh để đăng ký mô hình."
)
UNIT_HELP = (
    "📋 Đăng ký mô hình chuyển đổi số của đơn vị:\n"
    "/dangkymohinh – đăng ký một mô hình (6 mục, như biểu của phường)\n"
    "/sua – xem và sửa mô hình đã đăng ký\n"
    "/dulieucuatoi – dữ liệu của tôi"
)
MODEL_ASK = {
    "name": "Bước 1/6. Tên mô hình là gì? Chọn một tên dưới đây, hoặc gõ tên khác.",
    "content": "Bước 2/6. Nội dung hoạt động của mô hình? Bạn gõ vài câu ngắn.",
    "method": "Bước 3/6. Cách thức hoạt động? Chọn dưới đây, hoặc gõ cách khác.",
    "participants": ("Bước 4/6. Thành viên tham gia? Ví dụ: Ban giám hiệu và 45 giáo viên."),
    "results": "Bước 5/6. Hiệu quả mang lại? Ví dụ: 100% giáo viên dùng bài giảng số.",
    "budget": "Bước 6/6. Kinh phí hoạt động? Chọn dưới đây, hoặc gõ nguồn và số tiền.",
}
MODEL_NAMES = {  # the directive's own examples, by kind of unit
    "school": (
        "Trường học chuyển đổi số điển hình",
        "Lớp học số sáng tạo",
        "Giáo viên số tiêu biểu",
        "Mỗi giáo viên - một bài giảng số",
    ),
    "office": ("Một cửa số thân thiện", "Đại sứ số", "Chợ số - Tuyến phố số"),
    "team": ("Tổ công nghệ số cộng đồng", "Gia đình số", "Đại sứ số"),
    "other": ("Đại sứ số", "Gia đình số", "Mỗi công dân - Một danh tính số"),
}
MODEL_METHODS = ("Trực tiếp", "Trực tuyến", "Kết hợp trực tiếp và trực tuyến")
MODEL_BUDGETS = ("Không sử dụng kinh phí", "Kinh phí của đơn vị", "Xã hội hóa")
MODEL_SUMMARY = "Mô hình của {unit}:\n{lines}\nĐúng chưa? Chọn Lưu để gửi phường."
MODEL_SUMMARY_LINE = "{n}. {label}: {value}"
MODEL_EMPTY = "Mục này chưa có nội dung. Bạn gõ giúp mình nhé."
MODEL_TOO_LONG = "Dài quá ({n} ký tự, tối đa {limit}). Bạn viết ngắn lại nhé."
MODEL_WHICH_FIELD = "Sửa mục nào?"
MODEL_SAVED = "✅ Đã đăng ký mô hình “{name}” của {unit}. Phường sẽ tổng hợp."
MODEL_UPDATED = "✅ Đã sửa mô hình “{name}” của {unit}."
MODEL_CHANGE_UNTIL = "Muốn sửa, gõ /sua (đến hết ngày {day})."
MODEL_CHANGE_ANYTIME = "Muốn sửa, gõ /sua."
MODEL_CANCELLED = "Đã huỷ, chưa lưu gì. Gõ /dangkymohinh để bắt đầu lại."
MODEL_NONE_YET = "Đơn vị chưa đăng ký mô hình nào. Gõ /dangkymohinh để đăng ký."
MODEL_WHICH = "Đơn vị đã đăng ký {n} mô hình. Sửa mô hình nào?"
MODEL_CLOSED = (
    "Đã hết hạn đăng ký ({day}), nên không sửa được nữa. Cần sửa, bạn liên hệ cán bộ phường nhé."
)
MODEL_GONE = "Mô hình này không còn nữa. Gõ /sua để xem lại."
MODEL_LATE = "(Đăng ký sau hạn {day}: phường vẫn nhận, bạn báo cán bộ phường giúp.)"
BUTTON_CHANGE = "Sửa một mục"
UNIT_NOT_FOUND = "Không tìm thấy đơn vị của bạn. Bạn liên hệ cán bộ phường nhé."
ROSTER_UNIT_NAME = "Cần có tên đơn vị (tối đa 200 ký tự)."
ROSTER_UNIT_EXISTS = "{ward} đã có đơn vị “{name}”."
ROSTER_UNIT_KIND = "Loại đơn vị “{kind}” không rõ: dùng school, office, team hoặc other."

# --- the city's officer (role city): every ward's counts, never a volunteer's data ----------
CITY_LOGS_NOTHING = (
    "Cán bộ thành phố không ghi lượt hỗ trợ: việc ghi là của thành viên các tổ. "
    "Gõ /trogiup để xem các lệnh của bạn."
)
CITY_NOT_HERE = (
    "Việc này dành cho phường và tổ, không dành cho cán bộ thành phố. "
    "Gõ /trogiup để xem các lệnh của bạn."
)
CITY_PRIVATE_ONLY = "Tệp báo cáo của thành phố mình chỉ gửi khi nhắn riêng. Bạn nhắn /xuat nhé."
CITY_EXPORT_READY = (
    "📊 Báo cáo {city}, {period}: {wards} phường, {logs} lượt hỗ trợ. Tệp Excel ở dưới."
)
CITY_NO_WARD = "Thành phố chưa có phường nào dùng bot."
CITY_DEADLINE_ADDED = (
    "🗓️ Đã thêm hạn “{name}” cho mọi phường: hạn cuối {day} (trước ngày {before}). Cán bộ "
    "các phường chưa nộp sẽ được nhắc trước 7, 3, 1 ngày và đúng ngày cuối; nộp xong, "
    "phường gõ /danop."
)
CITY_NO_DEADLINE = (
    "Thành phố chưa có hạn báo cáo nào sắp tới. Thêm hạn, ví dụ: "
    "/hanchot Báo cáo tháng 1 20/01/2027"
)
CITY_PROGRESS_TITLE = "📋 {deadline}, hạn cuối {day}: {sent}/{total} phường đã nộp."
CITY_STATS_TITLE = "🏙️ {city}: {wards} phường"
CITY_PERIOD_QUARTER = "Quý này (từ {}):"
CITY_STATS_ACTIVE = "• Thành viên đã ghi: {active}/{members}"
CITY_STATS_BUSIEST = "• Phường ghi nhiều nhất:"
CITY_RANK_LINE = "  {n}. {ward}: {logs}"
CITY_STATS_IDLE = "Tuần này {n}/{wards} phường chưa ghi lượt nào."
CITY_CAMPAIGN_WARDS = "• Các phường: {done} lượt; {reached}/{wards} phường đạt chỉ tiêu."
CITY_CAMPAIGN_TOP = "• Dẫn đầu:"
CITY_CAMPAIGN_NOTHING = "• Chưa có lượt nào: {n} phường."
HELP_CITY = (
    "Lệnh của cán bộ thành phố (số liệu của mọi phường, không có dữ liệu riêng của ai):\n"
    "/thongke – số liệu cả thành phố tuần này và quý này\n"
    "/xuat – tệp Excel của thành phố quý này (/xuat thang, /xuat 01/10/2026-31/12/2026)\n"
    "/hanchot – thêm hạn báo cáo cho mọi phường, ví dụ: /hanchot Báo cáo tháng 1 20/01/2027\n"
    "/tiendo – phường nào đã nộp báo cáo cho hạn gần nhất\n"
    "/chiendich – tiến độ chiến dịch ở các phường\n"
    "/web – link vào trang theo dõi\n"
    "/dulieucuatoi, /xoadulieucuatoi – dữ liệu của tôi\n"
    "Cán bộ thành phố không ghi lượt hỗ trợ: việc ghi là của các tổ."
)
CITY_MENU_WORDS = {  # the Telegram menu's words for a city's officer, where a ward's differ
    "thongke": "Số liệu cả thành phố",
    "xuat": "Tệp Excel báo cáo của thành phố",
    "tiendo": "Phường nào đã nộp báo cáo",
    "hanchot": "Thêm hạn báo cáo cho mọi phường",
    "chiendich": "Chiến dịch ở các phường",
    "web": "Trang theo dõi trên web",
    "trogiup": "Các lệnh của cán bộ thành phố",
}
# a ward's officer and the city's deadlines (/danop without a team, /tiendo, reminders)
WARD_SUBMITTED = (
    "✅ Đã ghi nhận {ward} đã nộp “{deadline}” cho thành phố (hạn cuối {day}). "
    "Mình thôi nhắc phường cho hạn này."
)
WARD_SUBMITTED_ALREADY = "{ward} đã báo nộp “{deadline}” (hạn cuối {day}) cho thành phố rồi."
WARD_SUBMITTED_TEAM_HOW = "Nếu bạn nộp thay một tổ, gõ kèm tên tổ, ví dụ: /danop {example}"
WARD_CITY_PROGRESS = {
    True: "🏙️ Báo cáo cho thành phố “{deadline}”, hạn cuối {day}: phường đã nộp.",
    False: (
        "🏙️ Báo cáo cho thành phố “{deadline}”, hạn cuối {day}: phường chưa nộp "
        "(nộp xong, gõ /danop)."
    ),
}
REMINDER_CITY = (
    "⏰ Nhắc hạn báo cáo cho thành phố “{deadline}”: hạn cuối {day}, {when}.\n"
    "Nộp xong, cán bộ phường gõ /danop nhé."
)
