"""``StoredRecord``: the stored fields of one index record, decoded once.

Ministries (a comma list), the decision (JSON) and the date (yyyymmdd int) are read here and nowhere
else; search hits, the filter columns, the API and the document page use its properties.

>>> rec = StoredRecord.from_fields({"ministry": "MD,MŽP", "date": 20170405,
...                                 "decision": '{"deadline": "2017-06-15", "number": "Úkol 5/1"}'})
>>> rec.ministries, rec.date, rec.deadline_int, rec.decision["number"]
(('MD', 'MŽP'), datetime.date(2017, 4, 5), 20170615, 'Úkol 5/1')
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


def date_from_int(v: int | None) -> dt.date | None:
    """``20170405`` -> 5 April 2017; 0, None or an impossible date -> None."""
    if not v:
        return None
    try:
        return dt.date(v // 10000, v // 100 % 100, v % 100)
    except ValueError:
        return None


@dataclass(frozen=True)
class StoredRecord:
    """One record's stored fields (``fields``, as whoosh returns them) with typed accessors."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    docnum: int = -1

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any], docnum: int = -1) -> StoredRecord:
        return cls(fields=dict(fields), docnum=docnum)

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    @property
    def record_id(self) -> str:
        return str(self.fields.get("record_id", ""))

    @property
    def doc_id(self) -> str:
        return str(self.fields.get("doc_id", "") or "")

    @property
    def kind(self) -> str:
        return str(self.fields.get("kind", "page") or "page")

    @cached_property
    def ministries(self) -> tuple[str, ...]:
        return tuple(m for m in (self.fields.get("ministry") or "").split(",") if m)

    @property
    def date_int(self) -> int:
        return int(self.fields.get("date") or 0)

    @cached_property
    def date(self) -> dt.date | None:
        return date_from_int(self.date_int)

    @cached_property
    def decision(self) -> dict[str, Any] | None:
        """The decision of a decision record (kind, responsible, deadline, number …), else None."""
        raw = self.fields.get("decision")
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def deadline_int(self) -> int:
        """A decision's deadline as yyyymmdd, 0 when it has none."""
        value = (self.decision or {}).get("deadline") or ""
        try:
            return int(value.replace("-", "")) if isinstance(value, str) and len(value) == 10 else 0
        except ValueError:
            return 0
