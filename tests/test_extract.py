"""Extractors on small real files built by tests/data/make_fixtures.py: exact text out."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from scsearch.errors import CorruptFile, EmptyFile, EncryptedFile, TooLarge, UnsupportedFormat
from scsearch.ingest.extract import detect_format, extract, ocr_available
from scsearch.ingest.extract.layout import Line, Word, line_text, reading_order
from scsearch.ingest.extract.textfix import dehyphenate, fix_mojibake, has_mojibake, undouble_line

DATA = Path(__file__).resolve().parent / "data"


def text_of(name: str, **kw: object) -> str:
    return extract(DATA / name, **kw).text  # type: ignore[arg-type]


# --- PDF layout defects -------------------------------------------------------------------------


@pytest.fixture(params=["auto", "pdfplumber"])
def pdf_text(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The PDF layout tests run on both readings: the pypdfium2 fast path and the pdfplumber reference."""
    monkeypatch.setenv("SCSEARCH_PDF_TEXT", request.param)
    return str(request.param)


def test_two_columns_read_in_order_with_hyphenation(pdf_text: str) -> None:
    assert text_of("two_column_hyphenated.pdf") == (
        "Zápis z jednání pracovní skupiny\n"
        "Skupina projednala zavedení participativního rozpočtu ve městě Frýdek-Místek a podporu pro "
        "e-mobilitu v celém regionu.\n"
        "Zástupce MMR představil výsledky\n"
        "Česko-slovenský projekt sdílených kol\n"
        "byl schválen bez připomínek.\n"
        "Další jednání proběhne\n"
        "v Praze dne 5. 4. 2017."
    )


def test_letter_spaced_headings_become_words(pdf_text: str) -> None:
    assert text_of("letter_spaced_heading.pdf") == (
        "USNESENÍ\nMěsto Litovel\nRada města schvaluje rozpočet na rok 2017."
    )


def test_doubled_glyphs_collapsed(pdf_text: str) -> None:
    assert text_of("doubled_glyphs.pdf") == "Anketa byla spuštěna\nVyhodnocení ankety"


def test_cp1250_mojibake_repaired(pdf_text: str) -> None:
    doc = extract(DATA / "mojibake_cp1250.pdf")
    assert doc.text == "Příloha č. 1\nÚzemní plán obce Čerčany"
    assert any("CP1250" in w for w in doc.warnings)


def test_running_headers_and_footers_removed(pdf_text: str) -> None:
    doc = extract(DATA / "running_headers.pdf")
    assert [p.text for p in doc.pages] == [f"Bod {k}: projednání výzev ministerstva." for k in range(1, 5)]
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert doc.boilerplate == ("Zápis z jednání PS pro Smart Cities", "Stránka 1 z 4")
    assert [p.label for p in doc.pages] == [None] * 4


def test_printed_page_numbers_become_labels(pdf_text: str) -> None:
    doc = extract(DATA / "printed_page_labels.pdf")
    assert [(p.number, p.label, p.text) for p in doc.pages] == [
        (1, "11", "Kapitola 1: financování projektů."),
        (2, "12", "Kapitola 2: financování projektů."),
        (3, "13", "Kapitola 3: financování projektů."),
    ]


def test_rotated_page_reads_upright(pdf_text: str) -> None:
    assert text_of("rotated_page.pdf") == "První řádek textu\nDruhý řádek textu"


def test_ruled_table_rows_with_column_labels(pdf_text: str) -> None:
    assert text_of("ruled_table.pdf") == (
        "Přehled aktuálních výzev\n"
        "Poskytovatel: MŽP; Výzva: Výzva 5/2017; Uzávěrka: 30. 4. 2017\n"
        "Poskytovatel: MMR; Výzva: IROP 12; Uzávěrka: 15. 6. 2017"
    )


@pytest.mark.skipif(not ocr_available(), reason="tesseract s modelem ces není nainstalován")
def test_scanned_page_is_ocred() -> None:
    doc = extract(DATA / "scanned_page.pdf")
    assert doc.method == "ocr"
    assert doc.text == "Zápis z jednání skupiny\nMinisterstvo pro místní rozvoj"


def test_scanned_page_without_ocr_is_marked_needs_ocr() -> None:
    doc = extract(DATA / "scanned_page.pdf", ocr="off")
    assert [(p.number, p.method, p.text) for p in doc.pages] == [(1, "needs_ocr", "")]


# --- hostile input --------------------------------------------------------------------------------


def test_encrypted_pdf_with_password_is_named() -> None:
    with pytest.raises(EncryptedFile) as err:
        extract(DATA / "encrypted_password.pdf")
    assert err.value.reason == "zaheslovaný soubor"


def test_encrypted_pdf_with_empty_user_password_opens() -> None:
    assert text_of("encrypted_empty_user_password.pdf") == "Důvěrný zápis z jednání."


@pytest.mark.parametrize(
    ("name", "error"),
    [("zero_byte.pdf", EmptyFile), ("truncated.pdf", CorruptFile), ("truncated.docx", CorruptFile)],
)
def test_damaged_files_raise_named_errors(name: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        extract(DATA / name)


def test_zip_bomb_is_refused_before_parsing() -> None:
    with pytest.raises(TooLarge, match="rozbalená velikost 12 MB > 5 MB"):
        extract(DATA / "zip_bomb.docx", max_unzipped_mb=5)


def test_too_many_pages() -> None:
    with pytest.raises(TooLarge, match="30 stran > 10"):
        extract(DATA / "many_pages.pdf", max_pages=10)
    assert len(extract(DATA / "many_pages.pdf").pages) == 30


@pytest.mark.parametrize("name", ["cyclic_objects.pdf", "deeply_nested_objects.pdf"])
def test_cyclic_and_deep_objects_do_not_escape(name: str) -> None:
    assert text_of(name) == "Text strany"


def test_wrong_extension_detected_by_content() -> None:
    assert detect_format(DATA / "wrong_extension_docx.pdf") == "docx"
    assert detect_format(DATA / "wrong_extension_pdf.txt") == "pdf"
    assert extract(DATA / "wrong_extension_docx.pdf").format == "docx"
    assert extract(DATA / "wrong_extension_pdf.txt").pages[0].text == "Bod 1: projednání výzev ministerstva."


def test_unknown_binary_is_unsupported(tmp_path: Path) -> None:
    f = tmp_path / "obrazek.pdf"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFormat):
        extract(f)


def test_library_errors_are_wrapped(tmp_path: Path) -> None:
    f = tmp_path / "fake.xlsx"
    with __import__("zipfile").ZipFile(f, "w") as zf:
        zf.writestr("xl/workbook.xml", "<nonsense")
    with pytest.raises(CorruptFile):
        extract(f)


# --- other formats --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cp1250.txt", "iso8859_2.txt", "utf8_bom.txt"])
def test_txt_encodings(name: str) -> None:
    assert text_of(name) == "Zápis z jednání\nPříliš žluťoučký kůň úpěl ďábelské ódy.\nŠkoda, že Žatec je daleko."


def test_nfd_text_is_normalised(tmp_path: Path) -> None:
    f = tmp_path / "nfd.txt"
    f.write_text(unicodedata.normalize("NFD", "Čerčany"), encoding="utf-8")
    assert text_of(str(f)) == "Čerčany" and unicodedata.is_normalized("NFC", text_of(str(f)))


def test_html_main_content_without_navigation() -> None:
    doc = extract(DATA / "html_with_nav.html")
    assert doc.text == (
        "Pracovní skupina pro Smart Cities\n"
        "Skupina se schází čtvrtletně na Ministerstvu pro místní rozvoj.\n"
        "Datum: 7. 9. 2016; Místo: Praha"
    )
    assert doc.properties["title"] == "Pracovní skupina pro Smart Cities"


SLIDES = [
    (1, "slide", "Financování Smart Cities",
     "Financování Smart Cities\nVýzvy MMR a MŽP\nSkupina A: doprava\nSkupina B: energetika\n"
     "Poznámka řečníka: zmínit IROP."),
    (2, "slide", "Přehled výzev",
     "Přehled výzev\nPoskytovatel: MŽP; Výzva: Výzva 5/2017\nPoskytovatel: MPO; Výzva: Úspory energie"),
]


@pytest.mark.parametrize("name", ["pptx_notes_groups_tables.pptx", "odp_notes_groups_tables.odp"])
def test_slides_titles_groups_tables_notes(name: str) -> None:
    doc = extract(DATA / name)
    assert [(p.number, p.kind, p.heading, p.text) for p in doc.pages] == SLIDES


MINUTES = (
    "Zápis z jednání\nJednání se konalo 7. 9. 2016 v Praze.\nÚkol: Připravit metodiku; Odpovídá: MMR\n"
    "Závěr jednání.\n[1] V budově MMR.\nMinisterstvo pro místní rozvoj\nPracovní skupina Smart Cities"
)


@pytest.mark.parametrize("name", ["docx_header_footnote_table.docx", "odt_header_footnote_table.odt"])
def test_documents_heading_table_footnote_header_once(name: str) -> None:
    doc = extract(DATA / name)
    assert [(p.number, p.heading, p.text) for p in doc.pages] == [(None, "Zápis z jednání", MINUTES)]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice není nainstalován")
def test_legacy_doc_through_libreoffice() -> None:
    doc = extract(DATA / "legacy_word.doc")
    assert doc.format == "doc" and doc.text == MINUTES


ROWS = [
    (1, "Výzvy", "Přehled aktuálních výzev v klíčových oblastech Smart Cities"),
    (4, "Výzvy", "Poskytovatel: MŽP; Výzva: Výzva 5/2017; Uzávěrka: 30. 4. 2017"),
    (5, "Výzvy", "Poskytovatel: MMR; Výzva: IROP 12; Uzávěrka: 15. 6. 2017"),
    (2, "Archiv", "Poskytovatel: MPO; Částka: 1500000"),
]


@pytest.mark.parametrize("name", ["xlsx_title_row.xlsx", "ods_title_row.ods"])
def test_sheets_rows_labelled_with_header_below_title(name: str) -> None:
    doc = extract(DATA / name)
    assert [(p.number, p.sheet, p.text) for p in doc.pages] == ROWS
    assert {p.kind for p in doc.pages} == {"row"}


# --- pure helpers ---------------------------------------------------------------------------------


def test_dehyphenate_keeps_real_hyphens_and_uses_document_vocabulary() -> None:
    assert dehyphenate(["silnice Frýdek-", "Místek"]) == ["silnice Frýdek-Místek"]
    assert dehyphenate(["podpora e-", "mobility"]) == ["podpora e-mobility"]
    assert dehyphenate(["Česko-", "slovenský"]) == ["Česko-slovenský"]
    assert dehyphenate(["participativní-", "ho rozpočtu"]) == ["participativního rozpočtu"]
    assert dehyphenate(["sociálně-", "ekonomický"], {"sociálně-ekonomický"}) == ["sociálně-ekonomický"]
    assert dehyphenate(["konec-", "", "nový odstavec"]) == ["konec-", "", "nový odstavec"]


def test_mojibake_needs_evidence() -> None:
    assert not has_mojibake("très bien, première")
    assert fix_mojibake("Pøíloha è. 1") == "Příloha č. 1"


def test_undouble_keeps_ordinary_words() -> None:
    assert undouble_line("AAnnkkeettaa bbyyllaa") == "Anketa byla"
    assert undouble_line("rok 1100 a kookaa") == "rok 1100 a kookaa"


def test_letter_spacing_split_by_wider_gaps() -> None:
    xs = [0, 5, 10, 15, 20, 33, 38, 43]  # "M ě s t o" then a wider gap, then "L i t"
    words = [Word(ch, x, x + 3, 0, 10) for ch, x in zip("MěstoLit", xs, strict=True)]
    assert line_text(words) == "Město Lit"
    assert line_text([Word(t, i * 20, i * 20 + 10, 0, 10) for i, t in enumerate(["a", "v", "k"])]) == "a v k"


def test_columns_not_invented_for_label_value_lines() -> None:
    lines = [Line([Word(label, 0, 40, y, y + 10), Word(value, 200, 260, y, y + 10)])
             for y, (label, value) in enumerate([("Datum:", "7. 9."), ("Místo:", "Praha"), ("Přítomni:", "MMR"),
                                                 ("Omluveni:", "MV")])]
    ordered = reading_order(lines, min_gap=10)
    assert [w.text for ln in ordered for w in ln.words][:4] == ["Datum:", "7. 9.", "Místo:", "Praha"]
