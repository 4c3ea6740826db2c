"""Ministries, programmes and bodies in real-looking Czech sentences."""

from __future__ import annotations

import pytest

from scsearch.language.entities import (
    BY_CODE,
    ENTITIES,
    entity_token,
    find_entities,
    find_ministries,
    load_entities,
    ministry_of,
    normalize_ministry,
)
from scsearch.models import MINISTRIES


def codes(text: str) -> list[str]:
    return [m.code for m in find_entities(text)]


def test_table_has_the_nine_ministries_and_unique_tokens():
    assert tuple(e.code for e in ENTITIES if e.kind == "ministry") == MINISTRIES
    tokens = [entity_token(e.code) for e in ENTITIES]
    assert len(tokens) == len(set(tokens))
    assert all(t.isascii() for t in tokens)
    assert load_entities() == ENTITIES


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Jednání se zúčastnili zástupci Ministerstva pro místní rozvoj.", ("MMR",)),
        ("Ministerstvem pro místní rozvoj byla předložena metodika.", ("MMR",)),
        ("Dopis byl zaslán Ministerstvu životního prostředí.", ("MŽP",)),
        ("O stanovisko požádáme ministerstvo průmyslu a obchodu.", ("MPO",)),
        ("Projekt konzultujeme s Ministerstvem dopravy.", ("MD",)),
        ("Zástupkyně ministerstva zemědělství představila výzvu.", ("MZe",)),
        ("Na Ministerstvu zdravotnictví probíhá příprava eHealth.", ("MZd",)),
        ("Ministerstvu práce a sociálních věcí bylo zasláno stanovisko.", ("MPSV",)),
        # a shared head noun ("ministerstvech kultury a vnitra") names only the first: a known limit
        ("O ministerstvech kultury a vnitra se nejednalo.", ("MK",)),
        ("Stanovisko Ministerstva kultury a Ministerstva vnitra.", ("MK", "MV")),
        ("Město navštívil Mgr. Petr Hladík, ministr životního prostředí.", ("MŽP",)),
        ("V rezortu dopravy se připravuje novela.", ("MD",)),
        ("MINISTERSTVO PRO MÍSTNÍ ROZVOJ ČR", ("MMR",)),
        ("Ministerstvo pro místní\nrozvoj", ("MMR",)),
    ],
)
def test_full_names_in_any_case(sentence, expected):
    assert find_ministries(sentence) == expected


def test_all_nine_abbreviations_in_a_list():
    text = "Členy budou zástupci rezortů (MMR, MŽP, MPO, MD, MZe, MZd, MPSV, MK a MV) a institucí."
    assert find_ministries(text) == MINISTRIES


@pytest.mark.parametrize(
    "sentence",
    [
        "Přednášel MUDr. Jan Novák, MD, z nemocnice.",
        "doc. Jana Nová, Ph.D., MD",
        "Kolegyně je na MD do roku 2026.",
        "Po návratu z MD nastoupila na odbor.",
        "Použito MDR, AMD, CMD, MVP, MKS, LMK, MKČR a EMV.",
        "mv, md a mk jsou malými písmeny",
        "Verze M.D.1 a položka MD.1",
    ],
)
def test_short_codes_without_false_positives(sentence):
    assert find_ministries(sentence) == ()


def test_short_codes_that_are_ministries():
    assert find_ministries("Přijetí dotace - MV GŘHZS - cisternová stříkačka") == ("MV",)
    assert find_ministries("Dle sdělení MD ČR a MK.") == ("MD", "MK")
    assert find_ministries("Stanovisko MZE a MZD.") == ("MZe", "MZd")
    assert find_ministries("(MD)") == ("MD",)


def test_programmes_and_bodies():
    text = (
        "SMO ČR, Svaz měst a obcí, NSZM a Národní síť Zdravých měst, NS MAS i MAS Litovelsko; "
        "výzvy IROP, z IROPu, OPŽP, OP PIK, OPZ a C-ITS pro inteligentní dopravní systémy; "
        "PS pro SC pod Radou vlády pro udržitelný rozvoj, Úřad vlády, AK ČR."
    )
    assert codes(text) == [
        "SMO ČR", "SMO ČR", "NSZM", "NSZM", "NS MAS", "MAS", "IROP", "IROP", "OPŽP", "OP PIK", "OPZ",
        "ITS", "ITS", "PS SC", "RVUR", "ÚV", "AK ČR",
    ]  # fmt: skip
    assert find_ministries(text) == ()


def test_mentions_carry_offsets_into_the_original_text():
    text = "Zástupci Ministerstvem dopravy a MŽP."
    mentions = find_entities(text)
    assert [(m.code, text[m.start : m.end], m.text) for m in mentions] == [
        ("MD", "Ministerstvem dopravy", "Ministerstvem dopravy"),
        ("MŽP", "MŽP", "MŽP"),
    ]


def test_kinds_filter():
    text = "MMR řídí IROP, SMO ČR připomínkuje."
    assert codes(text) == ["MMR", "IROP", "SMO ČR"]
    assert [m.code for m in find_entities(text, ("programme",))] == ["IROP"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("mzp", "MŽP"), ("MŽP", "MŽP"), ("Mžp", "MŽP"), ("ministerstvo životního prostředí", "MŽP"),
        ("Ministerstvem dopravy", "MD"), ("mze", "MZe"), ("MZD", "MZd"), ("MMR ČR", "MMR"), (" mpsv ", "MPSV"),
        ("xyz", None), ("", None), ("MMR a MŽP", None), ("IROP", None),
    ],
)  # fmt: skip
def test_normalize_ministry(value, code):
    assert normalize_ministry(value) == code


def test_entity_token_and_ministry_of():
    assert entity_token("MŽP") == "ent_mzp"
    assert entity_token("SMO ČR") == "ent_smo_cr"
    assert entity_token("MZe") != entity_token("MZd")
    assert ministry_of("IROP") == "MMR"
    assert ministry_of("SFŽP") == "MŽP"
    assert ministry_of("MD") == "MD"
    assert ministry_of("SMO ČR") is None
    assert BY_CODE["MPSV"].label == "Ministerstvo práce a sociálních věcí"


def test_odd_input():
    assert find_entities("") == []
    assert find_ministries("ǅ İ ﬁ \u0301 MŽP") == ("MŽP",)
