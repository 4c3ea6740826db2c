import datetime as dt

from scsearch.index.query import MAX_QUERY_CHARS, parse


def test_plain_words_are_separate_clauses():
    pq = parse("dotace mestum")
    assert [c.words for c in pq.clauses] == [["dotace"], ["mestum"]]
    assert not any(c.phrase or c.exact or c.negated for c in pq.clauses)


def test_phrase_exact_prefix_and_negation():
    pq = parse('"urbánní politika" ="Zásady urbánní" +MŽP elektro* -vodík NOT plyn')
    kinds = [(c.words, c.phrase, c.exact, c.prefix, c.negated) for c in pq.clauses]
    assert kinds == [
        (["urbánní", "politika"], True, False, False, False),
        (["Zásady", "urbánní"], True, True, False, False),
        (["MŽP"], False, True, False, False),
        (["elektro"], False, False, True, False),
        (["vodík"], False, False, False, True),
        (["plyn"], False, False, False, True),
    ]


def test_or_groups_alternatives():
    pq = parse("elektromobilita OR vodík dotace")
    assert len(pq.clauses) == 2
    assert [a.words for a in pq.clauses[0].alternatives] == [["elektromobilita"], ["vodík"]]


def test_field_filters():
    pq = parse("ministerstvo:mzp rok:2017 typ:zapis od:2017-02-01 do:2017 dotace")
    assert pq.ministries == ["MŽP"]
    assert pq.years == [2017]
    assert pq.doc_types == ["minutes"]
    assert pq.date_from == dt.date(2017, 2, 1)
    assert pq.date_to == dt.date(2017, 12, 31)
    assert [c.words for c in pq.clauses] == [["dotace"]]


def test_unknown_field_is_plain_words():
    pq = parse("http:foo nesmysl:bar")
    assert [w for c in pq.clauses for w in c.words] == ["http", "foo", "nesmysl", "bar"]


def test_malformed_input_never_raises():
    for q in ['"', '"nedokončená fráze', "(((", ")", "OR", "AND OR NOT", "-", "+", "*", "<script>alert(1)</script>",
              "\x00", "a" * 10_000, "ministerstvo:", ":", '=""', "- - -"]:
        pq = parse(q)
        assert isinstance(pq.clauses, list)
    assert parse('"nedokončená fráze').clauses[0].words == ["nedokončená"]
    long = parse("slovo " * 5000)
    assert long.notices and len(long.clauses) <= 32
    assert MAX_QUERY_CHARS <= 1000
