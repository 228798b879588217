"""The eight 'every person / every household' outcomes (DOMAIN.md) and their names."""

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeKind:
    code: str
    label: str  # Vietnamese, as on forms and reports
    per_household: bool = False


SMARTPHONE = OutcomeKind("smartphone", "Điện thoại thông minh")
FIBRE = OutcomeKind("fibre", "Internet cáp quang", per_household=True)
VNEID = OutcomeKind("vneid", "Danh tính số (VNeID)")
PAYMENT_ACCOUNT = OutcomeKind("payment_account", "Tài khoản thanh toán số")
DVC_ACCOUNT = OutcomeKind("dvc_account", "Tài khoản dịch vụ công trực tuyến")
DIGITAL_SIGNATURE = OutcomeKind("digital_signature", "Chữ ký số cá nhân")
PROTECTION_SOFTWARE = OutcomeKind("protection_software", "Phần mềm bảo vệ cơ bản")
DIGITAL_SKILLS = OutcomeKind("digital_skills", "Kỹ năng số cơ bản")

ALL = (SMARTPHONE, FIBRE, VNEID, PAYMENT_ACCOUNT, DVC_ACCOUNT, DIGITAL_SIGNATURE,
       PROTECTION_SOFTWARE, DIGITAL_SKILLS)
# Outcomes stored as person_outcome rows (fibre is on the household, VNeID has its
# own steps in vneid_step).
PERSON_OUTCOMES = tuple(k.code for k in ALL if k not in (FIBRE, VNEID))
BY_CODE = {k.code: k for k in ALL}

VNEID_STEPS = ("guided", "registered", "approved", "activated", "failed")
VNEID_STEP_LABELS = {
    "guided": "Đã hướng dẫn", "registered": "Đã đăng ký", "approved": "Đã được duyệt",
    "activated": "Đã kích hoạt", "failed": "Không thành công",
}
VNEID_FAILURE_REASONS = {
    "no_chip_card": "Chưa có CCCD gắn chip", "wrong_phone": "Sai số điện thoại",
    "face_not_recognised": "Không nhận diện được khuôn mặt", "not_at_home": "Không có nhà",
    "other": "Lý do khác",
}
