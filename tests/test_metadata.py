"""Document metadata: dates, meeting numbers, types, titles, authors, page ministries, overrides."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from scsearch.ingest.metadata import analyze, load_override
from scsearch.ingest.metadata.doctype import unspace
from scsearch.language.dates import (
    date_from_filename,
    date_from_property,
    find_dates,
    meeting_date_from_text,
    meeting_number,
    overview_date_from_text,
)
from scsearch.models import UNIT_ROW, UNIT_SLIDE, ExtractedDocument, Page
from tests._fixtures_metadata import litovel

D = dt.date


def doc(*texts: str, fmt: str = "pdf", path: str = "dokument.pdf", kind: str = "page", **props: str):
    pages = tuple(Page(number=i + 1, text=t, kind=kind) for i, t in enumerate(texts))
    return ExtractedDocument(path=path, format=fmt, pages=pages, properties=dict(props))


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dne 7. 9. 2016 se konalo první jednání pracovní skupiny", D(2016, 9, 7)),
        ("Zápis z jednání konaného dne 19. února 2026 v Praze", D(2026, 2, 19)),
        ("Datum konání: 19. 3. 2018\nMísto: MMR", D(2018, 3, 19)),
        ("Výpis usnesení ze 3. schůze Rady města Litovel, konané dne 1. prosince 2022", D(2022, 12, 1)),
        ("Usnesení z 12. zasedání Zastupitelstva města Litovel ze dne 19. 6. 2024", D(2024, 6, 19)),
        ("Zápis z jednání ze dne 9. ledna 2025", D(2025, 1, 9)),
        ("Dne 7.9.2016 se uskutečnilo jednání", D(2016, 9, 7)),
        ("Dne 7. září 2016 proběhlo setkání", D(2016, 9, 7)),
        # the next meeting is not this meeting's date
        ("Termín dalšího jednání Pracovní skupiny pro SC: úterý 19. 3. 2018", None),
        ("Příští jednání se konalo 5. 4. 2017 jinde", None),
        ("Dne 31. 2. 2020 se konalo jednání", None),  # not a date
        ("Zápis bez data", None),
    ],
)
def test_meeting_date_from_text(text, expected):
    assert meeting_date_from_text(text) == expected


def test_find_dates_formats_and_validation():
    text = "7. 9. 2016, 07.09.2016, 7.9.2016, 7. září 2016, 7. zari 2016, 2016-09-07; 31. 2. 2020, 30. 13. 2020, 1. 1. 1850"
    assert [m.date for m in find_dates(text)] == [D(2016, 9, 7)] * 6
    assert find_dates("29. 2. 2024 a 29. 2. 2023")[0].date == D(2024, 2, 29)
    assert len(find_dates("29. 2. 2024 a 29. 2. 2023")) == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2016-09-07_zapis.pdf", D(2016, 9, 7)),
        ("zapis_20160907.docx", D(2016, 9, 7)),
        ("zapis_2016_09_07.pdf", D(2016, 9, 7)),
        ("usneseni_z_68._schuze_rady_mesta_litovel_ze_dne_19._unora_2026.pdf", D(2026, 2, 19)),
        ("prezentace_7.9.2016.pptx", D(2016, 9, 7)),
        ("zapis_07-09-2016.pdf", D(2016, 9, 7)),
        ("HVD-Analyza-verze-k-20.11.2024.xlsx", D(2024, 11, 20)),
        ("zapis_20163107.pdf", None),
        ("rm_1_22.pdf", None),
    ],
)
def test_date_from_filename(name, expected):
    assert date_from_filename(name) == expected


def test_date_from_property():
    assert date_from_property("D:20160907101500+02'00'") == D(2016, 9, 7)
    assert date_from_property("2016-09-07T10:15:00") == D(2016, 9, 7)
    assert date_from_property(dt.datetime(2016, 9, 7, 10, 0)) == D(2016, 9, 7)
    assert date_from_property("D:20160231") is None
    assert date_from_property(None) is None


def test_overview_date():
    text = "Přehled aktuálních výzev v klíčových oblastech Smart Cities\nAktualizace k 31. 3. 2018"
    assert overview_date_from_text(text) == D(2018, 3, 31)
    assert overview_date_from_text("Stav k 1. 1. 2019") == D(2019, 1, 1)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Dne 31. 5. 2017 se konalo páté jednání Pracovní skupiny", 5),
        ("Zápis z 5. jednání PS pro SC", 5),
        ("Výpis usnesení z 68. schůze Rady města Litovel", 68),
        ("Usnesení z 1. (ustavujícího) zasedání Zastupitelstva", 1),
        ("Zápis ze čtvrtého jednání", 4),
        ("Zápis z prvního setkání", 1),
        ("Zápis z jednání", None),
    ],
)
def test_meeting_number(text, number):
    assert meeting_number(text) == number


# ---------------------------------------------------------------- type, title, authors
def test_unspace_letter_spaced_headings():
    assert unspace("M ě s t o L i t o v e l") == "Město Litovel"
    assert unspace("U S N E S E N Í") == "USNESENÍ"
    assert unspace("Rada města Litovel") == "Rada města Litovel"


def test_presentation_title_slide_date_and_author():
    slides = (
        Page(
            1,
            "Smart Cities v dopravě\nMinisterstvo dopravy\nPraha, 19. 3. 2018",
            kind=UNIT_SLIDE,
            heading="Smart Cities v dopravě",
        ),
        Page(2, "Výzvy OPD a ITS\nInteligentní dopravní systémy", kind=UNIT_SLIDE, heading="Výzvy OPD"),
        Page(3, "Spolupráce s MMR a MŽP", kind=UNIT_SLIDE, heading="Spolupráce"),
    )
    meta = analyze(ExtractedDocument("prez.pptx", "pptx", slides), path="corpus/prez.pptx")
    assert (meta.title, meta.doc_type, meta.date, meta.date_source) == (
        "Smart Cities v dopravě", "presentation", D(2018, 3, 19), "content",
    )  # fmt: skip
    assert meta.authors == ("MD",)
    assert meta.page_ministries == {0: ("MD",), 2: ("MMR", "MŽP")}
    assert meta.ministries == ("MMR", "MŽP", "MD")
    assert meta.decisions == ()


def test_funding_overview_date_and_provider_rows():
    rows = (
        Page(
            1,
            "Název výzvy: Výzva 23 – Inteligentní dopravní systémy\nPoskytovatel: MMR / IROP\nPoznámka: spolupráce s MD",
            kind=UNIT_ROW,
            sheet="Výzvy",
        ),
        Page(2, "Název výzvy: Energetické úspory\nPoskytovatel: SFŽP", kind=UNIT_ROW, sheet="Výzvy"),
        Page(
            3,
            "Název výzvy: Krajský program\nPoskytovatel: Olomoucký kraj\nKonzultace na MŽP",
            kind=UNIT_ROW,
            sheet="Výzvy",
        ),
        Page(4, "Název výzvy: Bez poskytovatele, ale MPO", kind=UNIT_ROW, sheet="Výzvy"),
    )
    d = ExtractedDocument(
        "Prehled_aktualnich_vyzev.xlsx", "xlsx", rows, properties={"created": "2018-04-02T08:00:00"}
    )
    meta = analyze(d, path="corpus/Prehled_aktualnich_vyzev_stav_k_31.3.2018.xlsx")
    assert meta.doc_type == "funding_overview"
    # no date in the rows: the file name's date comes before the file's creation date
    assert (meta.date, meta.date_source) == (D(2018, 3, 31), "filename")
    assert meta.page_ministries == {0: ("MMR",), 1: ("MŽP",), 3: ("MPO",)}


def test_funding_overview_update_date_from_content():
    d = doc(
        "Přehled aktuálních výzev v klíčových oblastech Smart Cities\nZpracovalo: MMR\naktualizace k 15. 1. 2018\nVýzva 1 …"
    )
    meta = analyze(d, path="x/prehled.pdf")
    assert (meta.doc_type, meta.date, meta.date_source, meta.authors) == (
        "funding_overview",
        D(2018, 1, 15),
        "content",
        ("MMR",),
    )


@pytest.mark.parametrize(
    ("text", "path", "doc_type", "title"),
    [
        ("Plán činností Pracovní skupiny pro Smart Cities na rok 2018\n1. Metodika", "plan.pdf", "plan",
         "Plán činností Pracovní skupiny pro Smart Cities na rok 2018"),
        ("Metodika konceptu inteligentních měst\nMinisterstvo pro místní rozvoj", "m.pdf", "methodology",
         "Metodika konceptu inteligentních měst"),
        ("Ministerstvo pro místní rozvoj\nZápis\nz 3. jednání Pracovní skupiny pro Smart Cities\nDne 1. 2. 2017",
         "a.pdf", "minutes", "Zápis z 3. jednání Pracovní skupiny pro Smart Cities"),
        ("Výroční zpráva o stavu otevřených dat\n2019", "zprava.pdf", "other", "Výroční zpráva o stavu otevřených dat"),
        ("Text bez nadpisu, jen věta", "zapis_z_jednani.docx", "minutes", "Text bez nadpisu, jen věta"),
    ],
)  # fmt: skip
def test_type_and_title(text, path, doc_type, title):
    meta = analyze(doc(text, path=path), path=path)
    assert (meta.doc_type, meta.title) == (doc_type, title)


def test_title_prefers_meaningful_pdf_title_and_never_the_bare_file_name():
    d = doc("1\nStrana 1 z 3", title="Strategie Smart Cities 2030")
    assert analyze(d, path="x/strategie.pdf").title == "Strategie Smart Cities 2030"
    d = doc("Koncepce chytrého města Písek\n…", title="Microsoft Word - koncepce.docx")
    assert analyze(d, path="x/koncepce.pdf").title == "Koncepce chytrého města Písek"
    d = doc("Koncepce chytrého města Písek", title="koncepce")
    assert analyze(d, path="x/koncepce.pdf").title == "Koncepce chytrého města Písek"
    assert analyze(doc(""), path="x/prazdny_dokument.pdf").title == "prazdny dokument"


def test_date_falls_back_to_properties_and_says_so():
    meta = analyze(doc("Koncepce bez data", created="D:20190115093000"), path="koncepce.pdf")
    assert (meta.date, meta.date_source) == (D(2019, 1, 15), "properties")
    meta = analyze(doc("Koncepce bez data"), path="koncepce.pdf")
    assert (meta.date, meta.date_source) == (None, "")


def test_authors_from_cues_and_header_not_from_attendance():
    text = (
        "Zápis z 2. jednání PS pro SC\nDatum konání: 15. 11. 2016\n"
        "Přítomni: MMR, MŽP, MPO, MD, MZe\nPředkládá: Ministerstvo pro místní rozvoj\n"
    )
    meta = analyze(doc(text, "MŽP představilo výzvu OPŽP.", "MD informovalo o ITS."), path="z.pdf")
    assert meta.authors == ("MMR",)
    assert meta.meeting_number == 2
    # attending is not speaking: the attendance list counts for the document, not for the page
    assert meta.page_ministries == {0: ("MMR",), 1: ("MŽP",), 2: ("MD",)}
    assert meta.ministries == ("MMR", "MŽP", "MPO", "MD", "MZe")


@pytest.mark.parametrize(
    "pages",
    [
        (),
        ("",),
        ("\x00\x01",),
        ("31. 2. 2020 " * 50,),
        ("Číslo: RM/1/1/2022\n" * 3,),
        ("a) b) c)\nHlasování:",),
    ],
)
def test_odd_input_never_raises(pages):
    meta = analyze(doc(*pages), path="")
    assert meta.doc_type in ("minutes", "other")


# ---------------------------------------------------------------- overrides
def test_override_sidecar(tmp_path):
    document = tmp_path / "zapis.pdf"
    document.write_bytes(b"%PDF")
    (tmp_path / "zapis.pdf.meta.json").write_text(
        json.dumps(
            {"title": "Zápis z 6. jednání", "date": "2017-11-13", "ministries": ["mzp", "Ministerstvo dopravy"],
             "pages": {"2": {"ministries": ["MPO"]}, "1": {"ministries": []}}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )  # fmt: skip
    override = load_override(document)
    assert override == {
        "title": "Zápis z 6. jednání",
        "date": D(2017, 11, 13),
        "ministries": ("MŽP", "MD"),
        "pages": {2: {"ministries": ("MPO",)}, 1: {"ministries": ()}},
    }
    meta = analyze(doc("Zápis\nMMR zahájilo.", "Text druhé strany"), path=str(document), override=override)
    assert (meta.title, meta.date, meta.date_source, meta.ministries) == (
        "Zápis z 6. jednání", D(2017, 11, 13), "override", ("MŽP", "MD"),
    )  # fmt: skip
    assert meta.page_ministries == {1: ("MPO",)}
    assert meta.overridden == ("title", "date", "page_ministries", "ministries")
    assert meta.doc_type == "minutes"  # not overridden: still from the content


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '{"doc_type": "zapis"}', '{"date": "31. 2. 2020"}', '{"ministries": ["MF"]}',
     '{"pages": {"x": {"ministries": []}}}', '{"title": ""}'],
)  # fmt: skip
def test_invalid_override_warns_and_is_ignored(tmp_path, caplog, content):
    document = tmp_path / "a.pdf"
    (tmp_path / "a.pdf.meta.json").write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="scsearch.ingest.metadata"):
        assert load_override(document) is None
    assert "a.pdf.meta.json" in caplog.text


def test_missing_override_is_none(tmp_path):
    assert load_override(tmp_path / "nic.pdf") is None


# ---------------------------------------------------------------- real documents
@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "title", "date", "number"),
    [
        ("rm_1_22.pdf", "Výpis usnesení z 1. schůze Rady města Litovel, konané dne 27. října 2022", D(2022, 10, 27), 1),
        ("usneseni_1._zml.pdf", "Usnesení z 1. zasedání Zastupitelstva města Litovel ze dne 19. 10. 2022", D(2022, 10, 19), 1),
        ("usneseni_z_68._schuze_rady_mesta_litovel_ze_dne_19._unora_2026.pdf",
         "Výpis usnesení z 68. schůze Rady města Litovel, konané dne 19. února 2026", D(2026, 2, 19), 68),
        ("usneseni_ze_3._schuze_rady_mesta_litovel_ze_dne_1._prosince_2022.pdf",
         "Výpis usnesení ze 3. schůze Rady města Litovel, konané dne 1. prosince 2022", D(2022, 12, 1), 3),
        ("usneseni_z_12._zasedani_zastupitelstva_mesta_litovel.pdf",
         "Usnesení z 12. zasedání Zastupitelstva města Litovel ze dne 19. 6. 2024", D(2024, 6, 19), 12),
    ],
)  # fmt: skip
def test_litovel_title_date_number(name, title, date, number):
    meta = analyze(litovel(name), path=f"corpus/litovel__{name}")
    assert (meta.title, meta.doc_type, meta.date, meta.date_source, meta.meeting_number) == (
        title, "minutes", date, "content", number,
    )  # fmt: skip


@pytest.mark.shared
def test_litovel_page_ministries():
    meta = analyze(litovel("usneseni_z_12._zasedani_zastupitelstva_mesta_litovel.pdf"), path="x.pdf")
    # page 2: "s dotací Ministerstva vnitra ČR" and "Národního plánu obnovy Ministerstva průmyslu a obchodu"
    assert meta.page_ministries == {1: ("MPO", "MV")}
    assert meta.authors == ()


def test_attendance_block_is_not_a_page_mention():
    from scsearch.ingest.metadata import without_attendance

    text = (
        "Předsedající: Ing. Petra Horáková, MMR\nPřítomni\nInstituce: MŽP; Zástupce: Ing. Lucie Kratochvílová\n"
        "Instituce: MD; Zástupce: Ing. Pavel Novotný\nProgram\nPodpora z OPŽP (MŽP)\n"
        "Přítomni: MMR (3 zástupci), MŽP, MPO, MD,\nMZe, MZd, MPSV\nOmluveni: MK.\n1. Úkoly MV"
    )
    assert without_attendance(text) == (
        "Předsedající: Ing. Petra Horáková, MMR\nProgram\nPodpora z OPŽP (MŽP)\n1. Úkoly MV"
    )


def test_one_word_heading_continues_on_the_next_line():
    from scsearch.ingest.metadata.doctype import _title_from_lines

    assert _title_from_lines(["VYHODNOCENÍ", "DOTAZNÍKU K NKOD", "Praha 2021"]) == "VYHODNOCENÍ DOTAZNÍKU K NKOD"
    assert _title_from_lines(["Elektromobilita", "5. 4. 2017"]) == "Elektromobilita"
