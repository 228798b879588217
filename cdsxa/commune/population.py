"""A year's population figures and their consistency rules: plain data, checked the same
on the commune's forms and on what arrives from other PCs (cdsxa.sync.values)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Population:
    """Population figures for one year; None where the commune does not know."""

    year: int
    residents: int | None = None
    adults: int | None = None
    aged_15_plus: int | None = None
    working_age: int | None = None
    households: int | None = None

    def problems(self) -> list[str]:
        """What is inconsistent, in words an officer understands; empty when fine."""
        found: list[str] = []
        if not 2000 <= self.year <= 2100:
            found.append(f"Năm số liệu {self.year} không hợp lệ.")
        named = {
            "Dân số": self.residents,
            "Người trưởng thành": self.adults,
            "Người từ 15 tuổi": self.aged_15_plus,
            "Người trong độ tuổi lao động": self.working_age,
            "Số hộ": self.households,
        }
        found += [f"{label} không được âm." for label, v in named.items() if v is not None and v < 0]
        subsets = [
            ("Người trưởng thành", self.adults, "dân số", self.residents),
            ("Người từ 15 tuổi", self.aged_15_plus, "dân số", self.residents),
            ("Người trưởng thành (18+)", self.adults, "người từ 15 tuổi", self.aged_15_plus),
            ("Người trong độ tuổi lao động", self.working_age, "người từ 15 tuổi", self.aged_15_plus),
            ("Số hộ", self.households, "dân số", self.residents),
        ]
        for part, part_value, whole, whole_value in subsets:
            if part_value is not None and whole_value is not None and part_value > whole_value:
                found.append(f"{part} ({part_value}) lớn hơn {whole} ({whole_value}).")
        return found
