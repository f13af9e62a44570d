"""Every Vietnamese word of the workbooks: sheet names, headers, labels, roster errors."""

from __future__ import annotations

# every printed page of every workbook, at its foot: "Trang 3/7"
PAGE_FOOTER = "Trang &P/&N"

# the report workbook, sheets in this order
SHEET_SUMMARY = "Tổng hợp"
SHEET_TEAMS = "Theo tổ"
SHEET_WEEKS = "Theo tuần"
SHEET_DETAIL = "Chi tiết"
SHEET_MEMBERS = "Thành viên"
SHEET_DETAIL_MORE = "Chi tiết ({n})"  # Excel holds about a million rows per sheet

TITLE_WARD = "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG — {ward}"
TITLE_TEAM = "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG — {team} ({ward})"
TITLE_PERIOD = "Từ ngày {start} đến ngày {end}"
TITLE_MADE = "Lập lúc {at}"

HEAD_INDICATOR = "Chỉ tiêu"
HEAD_VALUE = "Số liệu"
RESIDENTIAL_GROUPS = "Số tổ dân phố"
TEAMS = "Số Tổ CNSCĐ đã thành lập"
MEMBERS = "Số thành viên"
COVERAGE = "Tỷ lệ tổ dân phố có Tổ CNSCĐ"
WARD_LEVEL_MEMBERS = "Số thành viên Tổ CNSCĐ cấp phường"
GROUP_CHATS = "Số nhóm Zalo/Telegram đã liên kết"
LOGS = "Tổng số lượt hỗ trợ"
HOUSEHOLDS = "Số hộ gia đình được hỗ trợ"
PEOPLE = "Số người dân được hỗ trợ (ít nhất)"  # a lower bound: storage.logs.people_helped
SERVICES_HEADING = "Số lượt hỗ trợ theo dịch vụ"

HEAD_NO = "STT"
HEAD_TEAM = "Tổ CNSCĐ"
HEAD_LOGS = "Số lượt hỗ trợ"
HEAD_HOUSEHOLDS = "Số hộ"
HEAD_PEOPLE = "Số người (ít nhất)"
HEAD_TOTAL = "Tổng dịch vụ"
ROW_TOTAL = "Tổng cộng"

HEAD_WEEK = "Tuần (từ thứ Hai)"
HEAD_WEEK_END = "Đến ngày"
CHART_TITLE = "Số lượt hỗ trợ theo tuần"
CHART_Y = "Số lượt"

HEAD_DAY = "Ngày"
HEAD_MEMBER = "Thành viên"
HEAD_PLACE = "Địa điểm"
HEAD_NOTE = "Ghi chú"
ZALO_HOW = "Tìm {bot} trên Zalo, nhắn: /thamgia {code}"
HEAD_ZALO_BOT = "Bot Zalo"  # optional: which of the ward's Zalo bots the person writes to

HEAD_NAME = "Họ và tên"
HEAD_PHONE = "Số điện thoại"
HEAD_ROLE = "Vai trò"
HEAD_PLATFORMS = "Đã liên kết"
HEAD_JOINED = "Đã tham gia"
HEAD_ACTIVE_LOGS = "Số lượt trong kỳ"
# below the members (storage.membership): the logs of people their team no longer lists,
# so the column adds up to the period's logs
LOGS_LEFT = "Lượt của người đã rời tổ hoặc đã xoá dữ liệu"
LOGS_OFFICERS = "Lượt của cán bộ phường"
YES = "Có"
NO = "Chưa"

ROLE_NAMES = {
    "member": "Thành viên",
    "leader": "Tổ trưởng",
    "deputy": "Tổ phó",
    "officer": "Cán bộ phường",
    "unit": "Đại diện đơn vị",
    "city": "Cán bộ thành phố",
}
PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "Thử trên máy"}

# the city's workbook (gotungnha export --city): counts per ward, no one's name
SHEET_CITY_WARDS = "Các phường"
SHEET_CITY_MONTHS = "Theo dịch vụ và tháng"
SHEET_CITY_MISSING = "Chưa nộp đúng hạn"
TITLE_CITY = "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG CÁC PHƯỜNG, XÃ — {city}"
WHOLE_CITY = "Toàn thành phố"  # the title when [city] name is not set
HEAD_WARD = "Phường, xã, đặc khu"
HEAD_CITY_TEAMS = "Số Tổ CNSCĐ"
HEAD_CITY_MEMBERS = "Số thành viên"
HEAD_CITY_ACTIVE = "Thành viên đã ghi trong kỳ"
HEAD_CITY_CHATS = "Số nhóm Zalo, Telegram đã liên kết"
HEAD_CITY_MODELS = "Số mô hình đã đăng ký"
HEAD_CITY_DUE = "Số báo cáo tổ phải nộp"
HEAD_CITY_ON_TIME = "Số báo cáo tổ nộp đúng hạn"
HEAD_SERVICE = "Dịch vụ"
HEAD_DEADLINE = "Hạn báo cáo"
HEAD_LAST_DAY = "Hạn cuối"
HEAD_TEAMS_SENT = "Số tổ nộp đúng hạn"
HEAD_TEAMS_OWING = "Số tổ phải nộp"
MONTH = "{month:02d}/{year}"
ALL_SENT = "Mọi phường đã nộp đủ, đúng hạn."
NO_DEADLINE_OVER = "Trong kỳ này chưa có hạn báo cáo nào đã qua."
# its `Chiến dịch` sheet: a campaign's row, then a row for each ward it covers, a totals row
CITY_CAMPAIGN_HEADS = (
    "STT",
    "Chiến dịch / Phường, xã, đặc khu",
    "Thời gian",
    "Dịch vụ",
    "Chỉ tiêu giao",
    "Tính đến ngày",
    "Kết quả",
    "Chỉ tiêu",
    "Tỷ lệ đạt",
)
CITY_CAMPAIGN_DAYS = "{first}–{last}"
CITY_CAMPAIGN_TEAMS = "{reached}/{teams} tổ"  # a per-team target: teams that reached it
CITY_CAMPAIGN_WARDS = "{reached}/{wards} phường đạt"  # the totals row

# the roster template and its import
SHEET_GROUPS = "Tổ dân phố"
SHEET_PEOPLE = "Thành viên"
HEAD_GROUP_NAME = "Tên tổ dân phố"
HEAD_GROUP = "Tổ dân phố"
TEAM_NAME = "Tổ CNSCĐ {group}"
TEMPLATE_EXAMPLE_GROUPS = ("Tổ dân phố số 1", "Tổ dân phố số 2")
TEMPLATE_EXAMPLE_PEOPLE = (
    ("Nguyễn Văn An", "0912 345 678", "Tổ dân phố số 1", "Tổ trưởng", ""),
    ("Trần Thị Bình", "", "Tổ dân phố số 1", "Thành viên", "Đoàn thanh niên"),
    ("Lê Minh Châu", "+84 98 765 4321", "Tổ dân phố số 2", "Tổ phó", ""),
)

ROSTER_NOT_XLSX = "Tệp không phải là tệp Excel (.xlsx). Anh/chị lưu lại bằng Excel rồi gửi lại nhé."
ROSTER_TOO_BIG = "Tệp quá lớn ({size} MB, tối đa {limit} MB)."
ROSTER_UNPACKED_TOO_BIG = "Tệp Excel giải nén ra quá lớn; có thể tệp bị hỏng. Hãy lưu lại từ mẫu."
ROSTER_MISSING_SHEET = "Thiếu trang tính “{sheet}” (tệp có: {found})."
ROSTER_MISSING_COLUMN = "Trang “{sheet}”: thiếu cột “{column}” ở dòng tiêu đề (dòng 1)."
ROSTER_MERGED_HEADER = "Trang “{sheet}”: dòng tiêu đề có ô gộp ({cells}); hãy bỏ gộp ô."
ROSTER_TOO_MANY_ROWS = "Trang “{sheet}” có quá nhiều dòng (tối đa {limit})."
ROSTER_ROW = "Trang “{sheet}”, dòng {row}: {reason}"
ROSTER_NO_NAME = "thiếu họ và tên"
ROSTER_EXAMPLE_ROW = (
    "đây là dòng ví dụ của mẫu ({name}); anh/chị xoá các dòng ví dụ (và các tổ ví dụ nếu "
    "phường không có) rồi nhập lại"
)
ROSTER_NO_GROUP_NAME = "thiếu tên tổ dân phố"
ROSTER_DUPLICATE_GROUP = "tổ dân phố “{group}” đã có ở dòng {first}"
ROSTER_UNKNOWN_GROUP = "tổ dân phố “{group}” không có trong trang “Tổ dân phố”"
ROSTER_UNKNOWN_BOT = "bot Zalo “{bot}” không có trong cấu hình (các bot: {known})"
ROSTER_BAD_PHONE = "số điện thoại “{phone}” không đúng (cần 10 chữ số, ví dụ 0912345678)"
ROSTER_DUPLICATE_PHONE = "số điện thoại {phone} trùng với dòng {first}"
ROSTER_UNKNOWN_ROLE = (
    "vai trò “{role}” không rõ (chọn: Tổ trưởng, Tổ phó, Thành viên, Cán bộ phường)"
)
ROSTER_NO_GROUP = "thiếu tổ dân phố (cán bộ phường có thể để trống)"
ROSTER_TOO_LONG = "ô “{column}” dài quá {limit} ký tự"
ROSTER_PHONE_OTHER_WARD = "số điện thoại {phone} đã thuộc một thành viên của {ward}"
ROSTER_EMPTY = "Trang “Thành viên” chưa có ai."
ROSTER_WARD_IS_CITY_OFFICE = "“{name}” là văn phòng của thành phố, không phải một phường"
# the city's roster: every ward's rows in one workbook (reports.city_roster)
HEAD_WARD_COLUMN = "Phường"
ROSTER_SHEET = "Trang “{sheet}”: {reason}"
ROSTER_NO_WARD = "thiếu tên phường (cột “Phường”)"
ROSTER_WARD_EMPTY = "{ward}: chưa có ai trong danh sách."
ROSTER_PHONE_TWICE = "số điện thoại {phone} trùng với trang “{sheet}”, dòng {row} ({ward})"
ROSTER_CITY_NO_WARDS = (
    "Tệp chưa có danh sách phường nào: cần trang “Thành viên” có cột “Phường”, hoặc mỗi "
    "phường một trang mang tên phường, dòng 1 như trang “Thành viên” của mẫu."
)
TEMPLATE_CITY_EXAMPLE_GROUPS = (
    ("Phường Lê Chân", "Tổ dân phố số 1"),
    ("Phường Ngô Quyền", "Tổ dân phố số 2"),
)
TEMPLATE_CITY_EXAMPLE_PEOPLE = (  # the ward template's examples, each with a ward
    ("Phường Lê Chân", *TEMPLATE_EXAMPLE_PEOPLE[0]),
    ("Phường Lê Chân", *TEMPLATE_EXAMPLE_PEOPLE[1]),
    ("Phường Ngô Quyền", *TEMPLATE_EXAMPLE_PEOPLE[2]),
)
WARD_TEAM = "Tổ CNSCĐ phường"  # where ward officers sit
CITY_TEAM = "Cán bộ thành phố"  # where the city's officers sit (its office)

# the invite list
SHEET_INVITES = "Mã tham gia"
HEAD_CODE = "Mã tham gia"
HEAD_LINK = "Đường dẫn Telegram"
HEAD_ZALO_HOW = "Trên Zalo, nhắn cho bot"
HEAD_EXPIRES = "Hết hạn"

# --- the model-registration table (the ward directive's columns, exactly) -----------------
SHEET_MODELS = "Đăng ký mô hình"
SHEET_UNITS = "Theo đơn vị"
MODEL_HEADS = (
    "Stt",
    "Tên mô hình",
    "Nội dung hoạt động",
    "Cách thức hoạt động",
    "Thành viên tham gia",
    "Hiệu quả mang lại",
    "Kinh phí hoạt động",
)
UNIT_HEADS = ("Stt", "Đơn vị", "Loại", "Người đại diện", "Đã tham gia", "Số mô hình")
UNIT_KINDS = {"school": "Trường học", "office": "Cơ quan", "team": "Tổ, nhóm", "other": "Khác"}

# --- a ward's campaigns (storage/campaigns.py): the ward's result, then each team's --------
SHEET_CAMPAIGNS = "Chiến dịch"
CAMPAIGN_HEADS = (
    "STT",
    "Chiến dịch",
    "Từ ngày",
    "Đến ngày",
    "Dịch vụ",
    "Chỉ tiêu giao",
    "Phường, tổ",
    "Chỉ tiêu",
    "Kết quả",
    "Tỷ lệ đạt",
    "Tính đến ngày",
)
CAMPAIGN_TARGETS = {"ward": "{n:,} lượt mỗi phường", "team": "{n:,} lượt mỗi tổ"}
