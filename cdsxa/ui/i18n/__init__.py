"""Loading the compiled translations (.qm). Sources live in resources/translations/."""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

QM_DIR = Path(__file__).parent
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the translators for language: the app's texts, and Qt's own (Yes, No,
    Cancel, the edit menu), which Qt does not ship in Vietnamese. English is the
    source text and needs none."""
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if language == "vi"
                               else QLocale.Language.English))
    if language == "en":
        return []
    installed = []
    for name in (f"qt_{language}.qm", f"cdsxa_{language}.qm"):
        translator = QTranslator(app)
        if not translator.load(str(QM_DIR / name)):
            raise FileNotFoundError(f"translation {name} is missing from the package")
        app.installTranslator(translator)
        installed.append(translator)
    return installed


def tr(text: str) -> str:
    """Translate text outside a QObject; lupdate files such calls under the empty context."""
    return QCoreApplication.translate("", text)
