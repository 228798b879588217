"""The indicators the app computes (DOMAIN.md, "Indicator definitions"), as data."""

from dataclasses import dataclass
from typing import Literal

from cdsxa.common import outcomes

DenominatorSource = Literal["register", "profile"]
Part = Literal["numerator", "denominator"]
# Age groups, at the reporting date (cdsxa.common.ages).
AgeGroup = Literal["adults", "aged_14_plus", "working_age"]
# How the numerator is found.
Counts = Literal["outcome", "vneid", "vneid_level2", "fibre", "protection", "sessions"]
# PopulationFigure columns that can stand in for a register denominator.
ProfileField = Literal["adults", "working_age", "households"]


@dataclass(frozen=True)
class Definition:
    id: str
    label: str  # Vietnamese, as shown and printed
    counts: Counts
    outcome: str | None = None  # person_outcome.kind, for counts == "outcome"
    age_group: AgeGroup | None = None  # counted over (ages at the reporting date)
    profile_field: ProfileField | None = None  # profile figure usable as denominator


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    numerator: int
    denominator: int | None
    value: float | None  # percent, 0–100, one decimal; None without a denominator
    denominator_source: DenominatorSource


def _adults(id_: str, kind: outcomes.OutcomeKind, label: str) -> Definition:
    return Definition(id_, label, "outcome", kind.code, "adults", "adults")


DEFINITIONS: tuple[Definition, ...] = (
    _adults("smartphone_adults", outcomes.SMARTPHONE,
            "Người trưởng thành có điện thoại thông minh"),
    Definition("fibre_households", "Hộ gia đình có Internet cáp quang", "fibre",
               profile_field="households"),
    # People aged 14+ are not a profile figure, so these always use the register.
    Definition("digital_identity_people",
               "Người từ 14 tuổi có danh tính số (VNeID đã kích hoạt)", "vneid",
               age_group="aged_14_plus"),
    Definition("vneid_level2_people", "Người từ 14 tuổi có tài khoản VNeID mức 2",
               "vneid_level2", age_group="aged_14_plus"),
    _adults("payment_account_adults", outcomes.PAYMENT_ACCOUNT,
            "Người trưởng thành có tài khoản thanh toán số"),
    _adults("dvc_account_adults", outcomes.DVC_ACCOUNT,
            "Người trưởng thành có tài khoản dịch vụ công trực tuyến"),
    _adults("digital_signature_adults", outcomes.DIGITAL_SIGNATURE,
            "Người trưởng thành có chữ ký số cá nhân"),
    # Counted over smartphone owners ("Internet users"), whatever their age.
    Definition("protection_software_people",
               "Người dùng điện thoại thông minh có phần mềm bảo vệ cơ bản", "protection"),
    Definition("digital_skills_working_age",
               "Người trong độ tuổi lao động có kỹ năng số cơ bản", "outcome",
               outcomes.DIGITAL_SKILLS.code, "working_age", "working_age"),
    Definition("support_sessions", "Lượt hỗ trợ người dân trong tháng", "sessions"),
)
BY_ID = {d.id: d for d in DEFINITIONS}
IDS = tuple(d.id for d in DEFINITIONS)


def percent(numerator: int, denominator: int | None) -> float | None:
    """numerator/denominator in percent, rounded half up to one decimal."""
    if not denominator:
        return None
    # Integer arithmetic, so 72.45 rounds to 72.5 whatever floats make of it.
    tenths = (2000 * numerator + denominator) // (2 * denominator)
    return tenths / 10


def definition(indicator_id: str) -> Definition:
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise ValueError(f"unknown indicator id: {indicator_id!r}") from None
