"""The whoosh schema: one record per page/slide/row and one per decision.

Text fields hold pre-analysed tokens joined by spaces (analysis happens in
``index.analysis`` with the project's tokenizer and lemmatiser), so whoosh only
splits on spaces and keeps positions for phrase queries.
"""

from __future__ import annotations

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

SCHEMA_VERSION = 3  # 2: numbers split at dots/commas; hyphenated parts in `stem`
# 3: calls, attendance and task reports in the manifest; meeting numbers of presentations stored at index time

_space = SpaceSeparatedTokenizer()


def build_schema() -> Schema:
    return Schema(
        # identity
        record_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        path=STORED(),
        abs_path=STORED(),
        kind=ID(stored=True),  # page | slide | row | decision
        # searchable text (space-joined analysed tokens, positions kept)
        lemma=TEXT(analyzer=_space, phrase=True, stored=True),  # folded lemmas, aligned 1:1 with tokens of `text`
        form=TEXT(analyzer=_space, phrase=True),  # lowercase surface forms, diacritics kept
        stem=TEXT(analyzer=_space, phrase=False),  # light stems of the surface forms (recall aid)
        head=TEXT(analyzer=_space, phrase=True, field_boost=1.0),  # folded lemmas of title + heading
        entity=KEYWORD(lowercase=True, scorable=True),  # ent_mzp ... mentioned on the unit
        # filters and facets
        doc_type=ID(stored=True),
        ministry=KEYWORD(commas=True, stored=True),  # codes: mentioned on the unit or authored by the document
        date=NUMERIC(int, bits=32, stored=True, signed=False),  # yyyymmdd; 0 = unknown
        year=ID(stored=True),
        meeting=ID(stored=True),
        # stored for display
        text=STORED(),
        title=STORED(),
        page=STORED(),
        page_label=STORED(),
        heading=STORED(),
        method=STORED(),
        doc_ministries=STORED(),
        decision=STORED(),
        unit_index=NUMERIC(int, stored=True),
    )
