from scsearch.language.tokenize import _TOKEN_RE, fold, normalize_token, tokenize
from scsearch.language.tokenize import token_texts as token_words


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


def test_the_pattern_chosen_per_text_gives_the_full_patterns_tokens():
    # a text without "@", "/" or "http"/"www." is split by a pattern without those branches: same tokens
    samples = [
        "Pracovní skupina pro Smart Cities projednala dotace městům, e-mobilita a O'Neil.",
        "kontakt: -jan.novak@mmr.cz, RM/2077/68/2026 a II/449; viz https://mmr.cz/a.b, www.mmr.cz.",
        "a_b --x@y.cz a.b/c abc/ x.y.z/w.q 7.9.2016 7. 9. 2016 POSKYTOVÁNÍ_HVDs_ ‐‑’ http",
        "bez lomítka, ale s tečkou. A s@ zavináčem na konci @",
        "",
    ]
    for text in samples:
        full = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
        assert tokenize(text) == full
        assert token_words(text) == [t for _, _, t in full]
    assert token_words(samples[1])[:3] == ["kontakt", "-jan.novak@mmr.cz", "RM/2077/68/2026"]
