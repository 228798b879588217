"""The support topics every profile starts with (migration 0002 seeded the same rows;
migrations keep their own frozen copy). The province hub's replicas of the communes
start with it too, so a session's topics name rows there as on the PC. Later the
province publishes the catalogue and the hub's pull brings changes (docs/hub.md).
"""

# ruff: noqa: E501
TOPICS = [
    # code, Vietnamese name, English name, category, outcome reached
    ("dvc_skills", "Sử dụng dịch vụ công trực tuyến", "Using online public services", "basic_skill", None),
    ("online_shopping", "Mua sắm trực tuyến", "Online shopping", "basic_skill", None),
    ("online_payment", "Thanh toán trực tuyến", "Online payment", "basic_skill", None),
    ("self_protection", "Tự bảo vệ mình trên không gian mạng", "Protecting oneself online", "basic_skill", None),
    ("digital_skills", "Hoàn thành kỹ năng số cơ bản", "Basic digital skills completed", "basic_skill", "digital_skills"),
    ("sector_agriculture", "Nền tảng số ngành nông nghiệp", "Agriculture platforms", "sector", None),
    ("sector_tourism", "Nền tảng số ngành du lịch", "Tourism platforms", "sector", None),
    ("sector_health", "Nền tảng số ngành y tế", "Health platforms", "sector", None),
    ("sector_education", "Nền tảng số ngành giáo dục", "Education platforms", "sector", None),
    ("sector_culture", "Nền tảng số ngành văn hóa", "Culture platforms", "sector", None),
    ("vneid_install", "Cài đặt ứng dụng VNeID", "Installing VNeID", "vneid", "vneid_guided"),
    ("vneid_register", "Đăng ký tài khoản VNeID", "Registering a VNeID account", "vneid", "vneid_registered"),
    ("vneid_activate", "Kích hoạt tài khoản VNeID", "Activating a VNeID account", "vneid", "vneid_activated"),
    ("dvc_account", "Tạo tài khoản dịch vụ công trực tuyến", "Online public-service account", "service", "dvc_account"),
    ("payment_account", "Mở tài khoản thanh toán / ví điện tử", "Payment account or e-wallet", "service", "payment_account"),
    ("digital_signature", "Đăng ký chữ ký số", "Digital signature", "service", "digital_signature"),
    ("protection_software", "Cài phần mềm bảo vệ cơ bản", "Basic protection software", "service", "protection_software"),
    ("health_record", "Sổ sức khỏe điện tử", "Electronic health record", "service", None),
    ("selling_online", "Bán hàng trực tuyến", "Selling online", "service", None),
    ("fraud_awareness", "Nhận biết lừa đảo trực tuyến", "Recognising online fraud", "service", None),
    ("other", "Khác", "Other", "other", None),
]


def rows() -> list[dict[str, object]]:
    """The catalogue as the `topic` table's rows, in the order shown."""
    return [{"code": code, "name": name, "name_en": name_en, "category": category,
             "outcome": outcome, "position": index, "active": True}
            for index, (code, name, name_en, category, outcome) in enumerate(TOPICS, start=1)]
