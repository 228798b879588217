import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from cdsxa.common.text import clean, fold, nfc, stored


def test_fold_removes_diacritics_case_and_d_stroke() -> None:
    assert fold("Đinh Thị Ánh") == "dinh thi anh"
    assert fold("NGUYỄN VĂN A") == "nguyen van a"
    assert fold("  Bản   Pù Quăn ") == "ban pu quan"
    assert fold("Ðinh") == "dinh"  # U+00D0 from badly converted files


def test_decomposed_and_composed_forms_store_and_fold_alike() -> None:
    composed = "Nguyễn Thị Hường"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert nfc(decomposed) == composed
    assert clean(f"  {decomposed}  ") == composed
    assert fold(decomposed) == fold(composed) == "nguyen thi huong"


def test_control_characters_pasted_from_old_files_are_not_kept() -> None:
    assert clean("Lò\x07 Văn\x00 Tâm\x1f\x7f") == "Lò Văn Tâm"
    assert stored("dòng 1\ndòng 2\x0b\tcột") == "dòng 1\ndòng 2\tcột"


def test_clean_turns_blank_into_none() -> None:
    assert clean("   ") is None
    assert clean(None) is None


vietnamese = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ ",
                     max_size=40)


@given(vietnamese)
def test_fold_is_idempotent_and_ignores_normal_form(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)
    assert fold(text).isascii()
