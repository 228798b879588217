"""The official 2025 administrative units (provinces and communes/wards).

A thin, typed view over the `vietnam-provinces` package so the rest of the app
does not depend on its shapes.
"""

from dataclasses import dataclass
from functools import cache

from cdsxa.common.errors import NotFound
from cdsxa.common.text import fold

THANH_HOA = 38


@dataclass(frozen=True)
class ProvinceInfo:
    code: int
    name: str


@dataclass(frozen=True)
class CommuneInfo:
    code: int
    name: str  # with its kind: "Xã Mường Lát", "Phường Hạc Thành"
    province_code: int

    @property
    def search_key(self) -> str:
        return fold(self.name)


# vietnam_provinces is imported where used: its tables take a while to load and
# only set-up needs them.


@cache
def provinces() -> tuple[ProvinceInfo, ...]:
    from vietnam_provinces import Province

    items = (ProvinceInfo(int(p.code), p.name) for p in Province.iter_all())
    return tuple(sorted(items, key=lambda p: fold(p.name)))


@cache
def _communes_by_province() -> dict[int, tuple[CommuneInfo, ...]]:
    from vietnam_provinces import Ward

    grouped: dict[int, list[CommuneInfo]] = {}
    for ward in Ward.iter_all():
        info = CommuneInfo(int(ward.code), ward.name, int(ward.province_code))
        grouped.setdefault(info.province_code, []).append(info)
    return {code: tuple(sorted(items, key=lambda c: c.search_key)) for code, items in grouped.items()}


def province(code: int) -> ProvinceInfo:
    for item in provinces():
        if item.code == code:
            return item
    raise NotFound(f"Không có tỉnh/thành phố mã {code} trong danh mục năm 2025.")


def communes(province_code: int) -> tuple[CommuneInfo, ...]:
    province(province_code)
    return _communes_by_province()[province_code]


def commune(province_code: int, commune_code: int) -> CommuneInfo:
    for item in communes(province_code):
        if item.code == commune_code:
            return item
    raise NotFound(
        f"Không có xã/phường mã {commune_code} thuộc {province(province_code).name}."
    )


def search_communes(province_code: int, query: str) -> list[CommuneInfo]:
    """Communes whose name or code contains the query, ignoring case and diacritics."""
    needle = fold(query)
    return [
        c for c in communes(province_code) if needle in c.search_key or needle == str(c.code)
    ]


def commune_label(code: int | None) -> str:
    """'Xã Mường Lát, Tỉnh Thanh Hóa' for any commune code; the code itself if unknown."""
    if code is None:
        return "(không rõ xã)"
    for grouped in _communes_by_province().values():
        for item in grouped:
            if item.code == code:
                return f"{item.name}, {province(item.province_code).name}"
    return f"xã/phường mã {code}"
