"""Loading the compiled translations (.qm). Sources live in resources/translations/."""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

QM_DIR = Path(__file__).parent
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


def install(app: QCoreApplication, language: str) -> QTranslator | None:
    """Install the translator for language; English is the source text and needs none."""
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if language == "vi"
                               else QLocale.Language.English))
    if language == "en":
        return None
    translator = QTranslator(app)
    if not translator.load(str(QM_DIR / f"cdsxa_{language}.qm")):
        raise FileNotFoundError(f"translation cdsxa_{language}.qm is missing from the package")
    app.installTranslator(translator)
    return translator


def tr(text: str) -> str:
    """Translate text outside a QObject; lupdate files such calls under the empty context."""
    return QCoreApplication.translate("", text)
