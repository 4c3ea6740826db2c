from scsearch.language.tokenize import fold, normalize_token, tokenize


def words(text: str) -> list[str]:
    return [t for _, _, t in tokenize(text)]


def test_identifiers_survive():
    assert words("Usnesení RM/2077/68/2026 a zákon 541/2020 Sb., silnice II/449, č. 107") == [
        "Usnesení", "RM/2077/68/2026", "a", "zákon", "541/2020", "Sb", "silnice", "II/449", "č", "107",
    ]


def test_email_url_and_hyphens():
    assert words("Pište na info@mmr.cz nebo https://www.mmr.cz/cs/smart-cities, e-mobilita ve Frýdku-Místku.") == [
        "Pište", "na", "info@mmr.cz", "nebo", "https://www.mmr.cz/cs/smart-cities", "e-mobilita", "ve", "Frýdku-Místku",
    ]


def test_underscores_split_words():
    assert words("WEBINÁŘ_ POSKYTOVÁNÍ_HVDs_") == ["WEBINÁŘ", "POSKYTOVÁNÍ", "HVDs"]


def test_offsets_index_into_text():
    text = "Dotací městům: 3,5 mil. Kč"
    for start, end, tok in tokenize(text):
        assert text[start:end] == tok
    assert words(text) == ["Dotací", "městům", "3", "5", "mil", "Kč"]


def test_dates_split_however_spaced():
    assert words("dne 7.9.2016") == words("dne 7. 9. 2016") == ["dne", "7", "9", "2016"]


def test_fold_and_normalize():
    assert fold("Městům ŽĎÁR") == "mestum zdar"
    assert normalize_token("Městům") == "městům"
