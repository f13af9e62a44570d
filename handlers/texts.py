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
