"""Decisions and tasks: real Litovel resolutions/minutes (read with pdfplumber) and minutes-like text.

The counts below were checked by reading the extracted text: each "Číslo:"/"Usnesení č." block gives one
decision, or one per lettered item; rejected items ("Návrh nebyl přijat") and the "NEPŘIJATÉ NÁVRHY"
sections are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from scsearch.ingest.metadata import analyze
from scsearch.ingest.metadata.decisions import extract_decisions, responsible_ministries, split_responsible
from scsearch.models import Decision
from tests._fixtures_metadata import litovel

D = dt.date


def decisions_of(name: str) -> tuple[Decision, ...]:
    meta = analyze(litovel(name), path=f"corpus/litovel__{name}")
    assert meta.doc_type == "minutes"
    return meta.decisions


def by_number(decisions, number):
    found = [d for d in decisions if d.number == number]
    assert len(found) == 1, number
    return found[0]


# ---------------------------------------------------------------- real resolutions
@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "total", "kinds"),
    [
        ("rm_1_22.pdf", 47, {"resolution": 38, "noted": 8, "task": 1}),
        ("usneseni_1._zml.pdf", 22, {"resolution": 21, "task": 1}),
        (
            "usneseni_z_12._zasedani_zastupitelstva_mesta_litovel.pdf",
            37,
            {"resolution": 23, "noted": 11, "task": 3},
        ),
        (
            "usneseni_z_23._zasedani_zastupitelsva_meta_litovel.pdf",
            53,
            {"resolution": 32, "noted": 13, "task": 8},
        ),
        ("usneseni_ze_3._schuze_rady_mesta_litovel_ze_dne_1._prosince_2022.pdf", 1, {"noted": 1}),
    ],
)
def test_litovel_counts(name, total, kinds):
    decisions = decisions_of(name)
    assert len(decisions) == total
    assert Counter(d.kind for d in decisions) == kinds


@pytest.mark.shared
def test_litovel_rm_1_22_records():
    decisions = decisions_of("rm_1_22.pdf")
    numbers = {d.number.split()[0] for d in decisions}
    assert numbers == {f"RM/{i}/1/2022" for i in range(1, 29)}
    task = by_number(decisions, "RM/3/1/2022 b)")
    assert task == Decision(
        text="Rada města Litovel ukládá OBH vypracovat projektovou dokumentaci na zateplení objektu "
        "ul. Poděbradova č. p. 748/8 a 749/6.",
        kind="task",
        page=1,
        responsible=("OBH",),
        number="RM/3/1/2022 b)",
    )
    noted = by_number(decisions, "RM/24/1/2022")
    assert (noted.kind, noted.page, noted.text) == (
        "noted", 4, "Rada města Litovel bere na vědomí Účetní uzávěrku TS Litovel za III. Q/2022.",
    )  # fmt: skip
    # an item continued on the next page belongs to the page where it starts; a new item to its own page
    assert by_number(decisions, "RM/6/1/2022 a)").page == 1
    assert by_number(decisions, "RM/6/1/2022 b)").page == 2
    # dates inside a resolution are not deadlines
    assert by_number(decisions, "RM/15/1/2022 a)").deadline is None


@pytest.mark.shared
@pytest.mark.slow
def test_litovel_68_resolutions():
    decisions = decisions_of("usneseni_z_68._schuze_rady_mesta_litovel_ze_dne_19._unora_2026.pdf")
    assert len(decisions) == 101
    assert Counter(d.kind for d in decisions) == {"resolution": 86, "noted": 15}
    assert {d.number.split()[0] for d in decisions} == {f"RM/{i}/68/2026" for i in range(2070, 2133)}
    first = decisions[0]
    assert (first.number, first.kind, first.page) == ("RM/2070/68/2026", "resolution", 1)
    assert first.text.startswith(
        "Rada města Litovel schvaluje předloženou Nájemní smlouvu na pozemek parc.č. 18/2"
    )
    fix = by_number(decisions, "RM/2071/68/2026 b)")
    assert (fix.deadline, fix.deadline_text) == (D(2026, 4, 30), "30. 4. 2026")
    assert by_number(decisions, "RM/2132/68/2026 b)").page == 10


@pytest.mark.shared
def test_litovel_tasks_with_addressees_and_deadlines():
    zml1 = decisions_of("usneseni_1._zml.pdf")
    task = by_number(zml1, "ZM/11/1/2022 b)")
    assert (task.kind, task.responsible, task.deadline, task.deadline_text, task.page) == (
        "task", ("Rada města Litovel",), None, "do konce ledna roku 2023", 2,
    )  # fmt: skip
    zm12 = decisions_of("usneseni_z_12._zasedani_zastupitelstva_mesta_litovel.pdf")
    call = by_number(zm12, "ZM/18/12/2024 b)")
    assert (call.kind, call.responsible, call.deadline) == (
        "task",
        ("Osadní výbor místní části Unčovice",),
        D(2024, 7, 8),
    )
    assert by_number(zm12, "ZM/16/12/2024 f)").responsible == ("starosta města Litovel",)
    # the "NEPŘIJATÉ NÁVRHY" section is not a decision
    assert not [d for d in zm12 if "odborný posudek" in d.text]
    zm23 = decisions_of("usneseni_z_23._zasedani_zastupitelsva_meta_litovel.pdf")
    signs = [d for d in zm23 if d.text.endswith("ukládá starostovi města schválenou smlouvu podepsat.")]
    assert [d.number for d in signs] == [f"ZM/{i}/23/2025 b)" for i in range(8, 14)]
    assert {d.responsible for d in signs} == {("starosta města",)}
    assert not [d for d in zm23 if "záměr prodeje pozemku parc.č. 18/2" in d.text]


@pytest.mark.shared
@pytest.mark.slow
def test_litovel_minutes_45_votes_responsibles_and_free_tasks():
    decisions = decisions_of("usneseni_ze_45._schuze_rady_mesta_litovel_ze_dne_9._ledna_2025.pdf")
    assert len(decisions) == 39
    assert Counter(d.kind for d in decisions) == {"resolution": 23, "noted": 8, "conclusion": 5, "task": 3}
    numbers = [d.number for d in decisions if d.number]
    # 1389/45 and 1390/45 were voted down, as were item b) of 1386/45 and of 1388/45
    assert "1389/45" not in numbers and "1390/45" not in numbers
    assert "1386/45 b)" not in numbers and "1386/45 a)" in numbers
    assert "1388/45 b)" not in numbers
    first = by_number(decisions, "1386/45 a)")
    assert (first.kind, first.page, first.responsible, first.deadline, first.deadline_text) == (
        "noted", 2, ("Ing. P. Hojgr",), D(2025, 1, 27), "27. 1. 2025",
    )  # fmt: skip
    assert by_number(decisions, "1403/45 b)").responsible == ("Ing. P. Hojgr", "Mgr. I. Nevěčná")
    edu = by_number(decisions, "1392/45")
    assert (edu.deadline, edu.deadline_text, edu.text[:40]) == (
        None,
        "EDU",
        "Rada města Litovel schvaluje předloženou",
    )
    assert by_number(decisions, "1406/45").deadline_text == "17. zasedání ZML"
    free_tasks = [(d.page, d.responsible) for d in decisions if d.kind == "task"]
    assert free_tasks == [(4, ("H. Dohnalová",)), (12, ("vedoucí OŠKS",)), (12, ("Mgr. Nevěčná",))]
    conclusions = [d.text for d in decisions if d.kind == "conclusion"]
    assert conclusions[:2] == [
        "Členové RM souhlasí s upraveným programem a projednáním materiálů zaslaných po termínu.",
        "Členové RM souhlasí s kontrolou usnesení ze 44. RM.",
    ]
    # a number cited inside a background report is not a resolution header
    assert not [d for d in decisions if d.number.startswith("ZM/14/16/2024")]


# ---------------------------------------------------------------- minutes of the working group
MINUTES = """Ministerstvo pro místní rozvoj
Zápis z 5. jednání Pracovní skupiny pro Smart Cities
Datum konání: 31. 5. 2017
Přítomni: MMR, MŽP, MPO, MD, SMO ČR, NSZM
1. Úvod
Jednání zahájil zástupce MMR. Termín dalšího jednání: 13. 11. 2017.
2. Přehled aktuálních výzev
MMR představilo aktualizovaný Přehled aktuálních výzev v klíčových oblastech Smart Cities.
Závěr: PS bere na vědomí aktualizovaný přehled výzev.
Úkol 5/1: MMR zašle členům PS aktualizovaný přehled výzev. T: 30. 6. 2017
Úkol 5/2: Členové PS zašlou připomínky k metodice. Zodpovídá: všichni členové, T: do příštího jednání
"""
MINUTES_PAGE_2 = """3. Metodika
PS se shodla, že metodika bude doplněna o kapitolu o datech.
Ministerstvo životního prostředí zapracuje připomínky do kapitoly o energetice do 15. 9. 2017.
Úkoly:
- MPO prověří možnost financování z OP PIK. T: 31. 8. 2017
- SMO ČR osloví města s žádostí o příklady dobré praxe (průběžně).
Jednání se dále věnovalo MD, které zajistí, že… (bez podmětu na začátku věty to úkol není)
4. Různé
Členové PS berou na vědomí informaci MZd o projektu eHealth.
Zapsala: Ing. Jana Nováková, MMR
"""


def test_minutes_of_the_working_group():
    got = extract_decisions([(1, MINUTES), (2, MINUTES_PAGE_2)])
    assert got == [
        Decision("PS bere na vědomí aktualizovaný přehled výzev.", "noted", 1),
        Decision("MMR zašle členům PS aktualizovaný přehled výzev.", "task", 1, ("MMR",), D(2017, 6, 30),
                 "30. 6. 2017", "Úkol 5/1"),
        Decision("Členové PS zašlou připomínky k metodice.", "task", 1, ("všichni členové",), None,
                 "do příštího jednání", "Úkol 5/2"),
        Decision("PS se shodla, že metodika bude doplněna o kapitolu o datech.", "conclusion", 2),
        Decision("Ministerstvo životního prostředí zapracuje připomínky do kapitoly o energetice do 15. 9. 2017.",
                 "task", 2, ("MŽP",), D(2017, 9, 15), "15. 9. 2017"),
        Decision("MPO prověří možnost financování z OP PIK.", "task", 2, ("MPO",), D(2017, 8, 31), "31. 8. 2017"),
        Decision("SMO ČR osloví města s žádostí o příklady dobré praxe (průběžně).", "task", 2, ("SMO ČR",),
                 None, "průběžně"),
        Decision("Členové PS berou na vědomí informaci MZd o projektu eHealth.", "noted", 2),
    ]  # fmt: skip


def test_minutes_meta_end_to_end():
    from scsearch.models import ExtractedDocument, Page

    doc = ExtractedDocument("zapis.docx", "docx", (Page(1, MINUTES), Page(2, MINUTES_PAGE_2)))
    meta = analyze(doc, path="corpus/zapis_5_jednani.docx")
    assert (meta.doc_type, meta.date, meta.meeting_number, meta.authors) == (
        "minutes",
        D(2017, 5, 31),
        5,
        ("MMR",),
    )
    assert len(meta.decisions) == 8


def test_inline_resolution_numbers_and_task_verbs():
    text = (
        "RM/2070/68/2026 Rada města schvaluje Plán činností PS pro SC.\n"
        "RM/2071/68/2026 Rada města ukládá MMR zapracovat připomínky, T: 30. 4. 2018\n"
        "RM/2072/68/2026. Dne 18. 12. 2024 bylo vydáno rozhodnutí.\n"
    )
    got = extract_decisions([(3, text)])
    assert [(d.number, d.kind, d.responsible, d.deadline) for d in got] == [
        ("RM/2070/68/2026", "resolution", (), None),
        ("RM/2071/68/2026", "task", ("MMR",), D(2018, 4, 30)),
    ]
    assert responsible_ministries(got[1]) == ("MMR",)


@pytest.mark.parametrize(
    ("text", "kind", "responsible", "deadline_text"),
    [
        ("Úkol pro MD – zmapovat projekty ITS ve městech.", "task", ("MD",), ""),
        ("Připravit podklady pro jednání – úkol pro Ministerstvo zemědělství.", "task", ("MZe",), ""),
        ("MMR zašle zápis do příštího jednání PS.", "task", ("MMR",), "do příštího jednání PS"),
        ("Bylo dohodnuto, že se PS sejde v září.", "conclusion", (), ""),
        ("Pracovní skupina bere na vědomí informaci o NPO.", "noted", (), ""),
        ("Starosta zašle informace členům rady.", None, (), ""),  # no entity as the subject
        ("Termín dalšího jednání: 13. 11. 2017.", None, (), ""),
    ],
)
def test_free_text_sentences(text, kind, responsible, deadline_text):
    got = extract_decisions([(1, text)])
    if kind is None:
        assert got == []
    else:
        assert [(d.kind, d.responsible, d.deadline_text) for d in got] == [(kind, responsible, deadline_text)]


def test_split_responsible():
    assert split_responsible("MMR, MŽP") == ("MMR", "MŽP")
    assert split_responsible("Ministerstvo dopravy a SMO ČR") == ("MD", "SMO ČR")
    assert split_responsible("Ing. P. Hojgr, Mgr. I. Nevěčná") == ("Ing. P. Hojgr", "Mgr. I. Nevěčná")


@pytest.mark.parametrize(
    "pages", [[], [(None, "")], [(1, "Číslo: RM/1/1/2022")], [(1, "a) b)\nHlasování: pro - 0")]]
)
def test_odd_input(pages):
    assert isinstance(extract_decisions(pages), list)


def test_deadline_and_subject_on_the_following_line():
    from scsearch.ingest.metadata.decisions import extract_decisions

    text = (
        "Úkol 4/2: MPO informuje PS o stavu přípravy legislativy k dobíjecí infrastruktuře. Termín:\n"
        "příští jednání\n"
        "Úkol 4/3: MMR zahrne do Přehledu aktuálních výzev samostatnou oblast „Elektromobilita“.\n"
        "Termín: při nejbližší aktualizaci\n"
    )
    d2, d3 = extract_decisions([(2, text)])
    assert (d2.number, d2.responsible, d2.deadline_text) == ("Úkol 4/2", ("MPO",), "příští jednání")
    assert d2.text == "MPO informuje PS o stavu přípravy legislativy k dobíjecí infrastruktuře."
    assert (d3.number, d3.responsible, d3.deadline_text) == ("Úkol 4/3", ("MMR",), "při nejbližší aktualizaci")
