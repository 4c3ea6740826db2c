"""Decoding of Czech plain text: UTF-8/UTF-16, then CP1250 vs ISO-8859-2 by letter frequency.

>>> decode_czech("Příliš žluťoučký kůň".encode("cp1250"))
('Příliš žluťoučký kůň', 'cp1250')
>>> decode_czech("Příliš žluťoučký kůň".encode("iso-8859-2"))
('Příliš žluťoučký kůň', 'iso-8859-2')
"""

from __future__ import annotations

import codecs

CZECH_LETTERS = set("ěščřžýáíéúůďťňóĚŠČŘŽÝÁÍÉÚŮĎŤŇÓ")
# Characters that show the wrong one of the two 8-bit code pages was used.
_UNLIKELY = set("ąľźśĄĽŹŚ»©®«¦") | {chr(c) for c in range(0x80, 0xA0)}


def _score(text: str) -> int:
    return sum(3 if c in CZECH_LETTERS else -5 if c in _UNLIKELY else 0 for c in text if ord(c) > 127)


def decode_czech(data: bytes) -> tuple[str, str]:
    """Text of ``data`` and the encoding used."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("cp1250", "iso-8859-2"):
        text = data.decode(enc, errors="replace")
        candidates.append((_score(text), enc == "cp1250", text, enc))
    best = max(candidates)
    if best[0] > 0:
        return best[2], best[3]
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None and match.encoding:
        return str(match), match.encoding
    return data.decode("cp1250", errors="replace"), "cp1250"
