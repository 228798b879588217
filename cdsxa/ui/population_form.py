"""Population figures for a year: the same form in the wizard and in Settings."""

from datetime import date

from PySide6.QtWidgets import QFormLayout, QSpinBox, QWidget

from cdsxa.commune.profile import Population

FIELDS = ("residents", "adults", "aged_15_plus", "working_age", "households")


class PopulationForm(QWidget):
    """Zero shows as 'unknown' and is stored as unknown: no commune has 0 residents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = QSpinBox(minimum=2000, maximum=2100, value=date.today().year)
        self.spins: dict[str, QSpinBox] = {}
        labels = {
            "residents": self.tr("Residents"),
            "adults": self.tr("Adults (18 and over)"),
            "aged_15_plus": self.tr("People aged 15 and over"),
            "working_age": self.tr("Working-age people"),
            "households": self.tr("Households"),
        }
        layout = QFormLayout(self)
        layout.addRow(self.tr("Figures for the year"), self.year)
        for name in FIELDS:
            spin = QSpinBox(minimum=0, maximum=10_000_000)
            spin.setSpecialValueText(self.tr("unknown"))
            spin.setGroupSeparatorShown(True)
            self.spins[name] = spin
            layout.addRow(labels[name], spin)

    def value(self) -> Population:
        figures = {name: (spin.value() or None) for name, spin in self.spins.items()}
        return Population(year=self.year.value(), **figures)

    def set_value(self, figures: Population) -> None:
        self.year.setValue(figures.year)
        for name, spin in self.spins.items():
            spin.setValue(getattr(figures, name) or 0)

    def value_if_any(self) -> Population | None:
        """None when every figure is left unknown: nothing worth recording."""
        figures = self.value()
        return figures if any(getattr(figures, name) for name in FIELDS) else None
