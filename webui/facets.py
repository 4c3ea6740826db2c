"""Facet values as plain records (value, label, count, toggle URL, selected) and URL helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from scsearch.webui.labels import ministry_name, type_label
from scsearch.webui.params import SearchParams

# Parameters that describe the state of the search page (in URL order).
STATE_KEYS = ("q", "ministry", "type", "year", "meeting", "from", "to", "deadline_from", "deadline_to", "sort", "page")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    url: str  # the page with this value toggled (and page reset to 1)
    selected: bool
    title: str = ""


@dataclass(frozen=True)
class Facet:
    name: str  # URL parameter
    legend: str
    values: tuple[FacetValue, ...]


def state_args(p: SearchParams) -> MultiDict[str, str]:
    """The canonical GET parameters of a search state (defaults left out)."""
    out: MultiDict[str, str] = MultiDict()
    if p.q:
        out.add("q", p.q)
    for m in p.ministries:
        out.add("ministry", m)
    for t in p.types:
        out.add("type", t)
    for y in p.years:
        out.add("year", str(y))
    for n in p.meetings:
        out.add("meeting", str(n))
    if p.date_from:
        out.add("from", p.date_from.isoformat())
    if p.date_to:
        out.add("to", p.date_to.isoformat())
    if p.deadline_from:
        out.add("deadline_from", p.deadline_from.isoformat())
    if p.deadline_to:
        out.add("deadline_to", p.deadline_to.isoformat())
    if p.sort != "relevance":
        out.add("sort", p.sort)
    if p.page != 1:
        out.add("page", str(p.page))
    return out


def url_for_state(args: MultiDict[str, str], base: str = "/") -> str:
    pairs = [(k, v) for k in STATE_KEYS for v in args.getlist(k)]
    return base + ("?" + urlencode(pairs) if pairs else "")


def with_changes(p: SearchParams, *, base: str = "/", **changes: str | list[str] | None) -> str:
    """URL of the state ``p`` with some parameters replaced (None removes); page resets to 1."""
    return changed_url(p, changes, base)


def changed_url(p: SearchParams, changes: Mapping[str, str | list[str] | None], base: str = "/") -> str:
    args = state_args(p)
    args.pop("page", None)
    for key, value in changes.items():
        key = key.rstrip("_")  # from_ -> from
        args.pop(key, None)
        if value is None:
            continue
        for v in [value] if isinstance(value, str) else value:
            args.add(key, v)
    return url_for_state(args, base)


def _toggle(p: SearchParams, name: str, current: Iterable[str], value: str) -> tuple[str, bool]:
    cur = list(current)
    selected = value in cur
    new = [v for v in cur if v != value] if selected else cur + [value]
    return changed_url(p, {name: new}), selected


def meeting_label(number: str | int) -> str:
    """``7`` -> ``7. jednání``."""
    return f"{number}. jednání"


def build_facet(p: SearchParams, name: str, legend: str, counts: dict[str, int], current: Iterable[str],
                order: Iterable[str] | None = None, titles: Mapping[str, str] | None = None) -> Facet:
    """Values with counts; selected values stay listed (count 0 when the query no longer hits them)."""
    cur = [str(c) for c in current]
    keys = list(order) if order is not None else list(counts)
    for c in cur:
        if c not in keys:
            keys.append(c)
    values = []
    for key in keys:
        count = counts.get(key, 0)
        if not count and key not in cur:
            continue
        url, selected = _toggle(p, name, cur, key)
        if name == "ministry":
            label, title = key, ministry_name(key)
        elif name == "type":
            label, title = type_label(key), ""
        elif name == "meeting":
            label, title = meeting_label(key), ""
        else:
            label, title = key, ""
        if titles and key in titles:
            title = titles[key]
        values.append(FacetValue(value=key, label=label, count=count, url=url, selected=selected, title=title))
    return Facet(name=name, legend=legend, values=tuple(values))
