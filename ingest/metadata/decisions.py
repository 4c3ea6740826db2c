"""Decisions and tasks in minutes and resolution records.

Two shapes are understood:

* numbered resolutions ("Číslo: RM/2070/68/2026", "Usnesení č. 1386/45", "RM/2070/68/2026 Rada …"),
  with lettered items "a) schvaluje …", "b) ukládá OBH vypracovat …", optional "Zodpovídá:", "Termín:"
  and "Hlasování:" lines; each adopted item is one Decision (rejected items, "Návrh nebyl přijat",
  and the "NEPŘIJATÉ NÁVRHY" section are skipped);
* free text of minutes: "Úkol 3/1: …", "Úkol pro X – …", "… – úkol pro X.", "Úkoly:" lists,
  "MMR zapracuje … T: 31. 3. 2025", "Závěr: …", "PS se shodla …", "Členové PS berou na vědomí …".

>>> [d.kind for d in extract_decisions([(1, "Úkol 3/1: MMR zašle podklady. T: 30. 4. 2018")])]
['task']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scsearch.ingest.metadata.decision_rules import (
    _AGENDA_HEADING,
    _BULLET,
    _CONCLUSION_LINE,
    _CONCLUSION_SENT,
    _DEADLINE,
    _HEADER,
    _INLINE_DEADLINE,
    _INLINE_HEADER,
    _INLINE_RESPONSIBLE,
    _ITEM,
    _NOTED_SENT,
    _PAGE_NOISE,
    _REJECTED,
    _REJECTED_SECTION,
    _RESPONSIBLE,
    _SIGNATURE,
    _TASK_LINE,
    _TASK_TRAILER,
    _TASK_VERB_FUTURE,
    _TASKS_HEAD,
    _TITLE_OR_INITIAL,
    _VERB_RE,
    _VOTE,
    _VOTE_HEAD,
    _Block,
    _clean,
    _deadline_in_text,
    _first_verb,
    _kind_of,
    _object_after,
    _parse_deadline,
    split_responsible,
)
from scsearch.language.entities import BY_CODE, find_entities, fold_same_length
from scsearch.language.sentences import ABBREVIATIONS
from scsearch.models import Decision


# ---------------------------------------------------------------- resolution blocks
def _block_decisions(block: _Block) -> list[Decision]:
    if block.rejected_all:
        return []
    subject = _clean(" ".join(block.subject)).rstrip(":").strip()
    out: list[Decision] = []
    entries = (
        [
            (f"{block.number} {letter})", letter, _clean(" ".join(lines)), page)
            for letter, lines, page in block.items
        ]
        if block.items
        else [(block.number, "", "", block.page)]
    )
    for number, letter, item_text, page in entries:
        if letter and letter in block.rejected:
            continue
        text = _clean(f"{subject} {item_text}") if block.items else subject
        if not text:
            continue
        verb, _, vend = _first_verb(text)
        kind = _kind_of(verb)
        responsible: tuple[str, ...] = ()
        if kind == "task":
            responsible = _object_after(vend, text)
        responsible = tuple(dict.fromkeys(responsible + block.responsible))
        deadline, deadline_text = (None, "")
        if block.deadline_text:
            deadline, deadline_text = _parse_deadline(block.deadline_text)
        else:
            deadline, deadline_text = _deadline_in_text(text, kind)
        out.append(Decision(text, kind, page, responsible, deadline, deadline_text, number))
    return out


# ---------------------------------------------------------------- free text
_SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=zdržel se [-–] \d)|(?<=zdržel se [-–] \d\d))\s+(?=[A-ZÁ-Ž„\"])")


def _sentences(unit: str) -> list[str]:
    parts = []
    start = 0
    for m in _SENT_SPLIT.finditer(unit):
        before = unit[start : m.start()]
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        word = last.rstrip(".").lower()
        if before.rstrip().endswith(".") and (
            word in ABBREVIATIONS
            or (len(word) == 1 and word.isalpha())
            or re.fullmatch(r"\d+", word)
            or "." in word
        ):
            continue
        parts.append(unit[start : m.start()])
        start = m.end()
    parts.append(unit[start:])
    return [p.strip() for p in parts if p.strip()]


_LABEL_AT_END = re.compile(r"(?:^|\s)(?:Termín(?:\s+plnění)?|T|Zodpovídá|Odpovídá)\s*:\s*$")


def _free_units(lines: list[tuple[str, int | None]]) -> list[tuple[str, int | None, bool]]:
    """Join wrapped lines into units: (text, page, is_bullet); bullets and 'X:' heads start a new unit."""
    units: list[list] = []
    for text, page in lines:
        bullet = bool(_BULLET.match(text))
        if units and not bullet and (
            _DEADLINE.match(text) or _RESPONSIBLE.match(text) or _LABEL_AT_END.search(units[-1][0])
        ):
            # "Termín: 30. 4. 2018" / "Zodpovídá: MMR" under a task, or the value after a label ending
            # a line ("… Termín:" + "příští jednání"), belong to the unit above
            units[-1][0] = f"{units[-1][0]} {text}"
            continue
        starts_new = (
            not units
            or bullet
            or _AGENDA_HEADING.match(text)
            or _AGENDA_HEADING.match(units[-1][0])
            or _TASK_LINE.match(text)
            or _TASKS_HEAD.match(text)
            or _CONCLUSION_LINE.match(text)
            or _TASKS_HEAD.match(units[-1][0])
            or (
                units[-1][0].rstrip().endswith(".")
                and text[:1].isupper()
                and not _TITLE_OR_INITIAL.match(units[-1][0].rsplit(None, 1)[-1])
            )
            or re.search(r":\s*$", units[-1][0]) is not None
            or _CONCLUSION_LINE.match(units[-1][0]) is not None
            and units[-1][0].rstrip().endswith(":")
        )
        if starts_new:
            units.append([_BULLET.sub("", text) if bullet else text, page, bullet])
        else:
            units[-1][0] = f"{units[-1][0]} {text}"
    return [(_clean(u[0]), u[1], u[2]) for u in units]


def _entities_before(text: str, end: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.code for m in find_entities(text[:end])))


# "Úkol 4/1 – splněn, …", "Úkol 4/2: trvá" in a review of earlier tasks report progress, not a new task
_TASK_STATUS = re.compile(
    r"^(?:byl\w*\s+|je\s+)?(?:splněn\w*|nesplněn\w*|trvá|trvají|průběžně\s+plněn\w*|plněn\w*|zrušen\w*|"
    r"v\s+řešení|probíhá|odložen\w*|přesunut\w*)\b",
    re.IGNORECASE,
)


def _free_sentence(sent: str, page: int | None, mode: str) -> Decision | None:
    m = _TASK_LINE.match(sent)
    if m and _TASK_STATUS.match(m.group("body").strip()):
        return None
    if m:
        body = _clean(m.group("body"))
        who = split_responsible(m.group("who")) if m.group("who") else ()
        number = f"Úkol {m.group('num').replace(' ', '')}" if m.group("num") else ""
        return _free_task(body if number else _clean(sent), page, who, number)
    m = _TASK_TRAILER.match(sent)
    if m:
        return _free_task(_clean(m.group("body")), page, split_responsible(m.group("who")), "")
    if mode == "tasks":
        return _free_task(sent, page, (), "")
    if mode == "conclusions":
        return Decision(sent, "conclusion", page)
    if _NOTED_SENT.match(sent):
        return Decision(sent, "noted", page)
    v = _TASK_VERB_FUTURE.search(sent)
    if v and v.start() < 80 and not re.search(r"[.;,]", sent[: v.start()]):
        mentions = find_entities(sent[: v.start()])
        # the subject opens the sentence: "MMR zašle", "Zástupci MŽP prověří", not "… věnovalo MD, které zajistí"
        if mentions and len(sent[: mentions[0].start].split()) <= 1:
            return _free_task(sent, page, tuple(dict.fromkeys(m.code for m in mentions)), "")
    if _CONCLUSION_SENT.match(sent):
        return Decision(sent, "conclusion", page)
    return None


def _leading_entities(body: str) -> tuple[str, ...]:
    """Entities the sentence starts with ("MMR zahrne …", "MD a SMO ČR připraví …"): its subject."""
    out: list[str] = []
    pos = 0
    for m in find_entities(body):
        if body[pos : m.start].strip(" ,") not in ("", "a", "i"):
            break
        out.append(m.code)
        pos = m.end
    return tuple(dict.fromkeys(out))


def _free_task(body: str, page: int | None, who: tuple[str, ...], number: str) -> Decision:
    resp = _INLINE_RESPONSIBLE.search(body)
    responsible = who or (split_responsible(resp.group("v")) if resp else ())
    if not responsible:
        v = _TASK_VERB_FUTURE.search(body)
        if v:
            responsible = _entities_before(body, v.start())
    if not responsible:
        responsible = _leading_entities(body)
    deadline, deadline_text = _deadline_in_text(body, "task")
    text = _INLINE_RESPONSIBLE.sub("", _INLINE_DEADLINE.sub("", body))
    text = _clean(re.sub(r"[\s,;]+$", "", text)) or body
    return Decision(text, "task", page, responsible, deadline, deadline_text, number)


def _free_decisions(lines: list[tuple[str, int | None]]) -> list[Decision]:
    out: list[Decision] = []
    mode = ""
    for unit, page, bullet in _free_units(lines):
        if _TASKS_HEAD.match(unit):
            mode = "tasks"
            continue
        c = _CONCLUSION_LINE.match(unit)
        if c:
            body = _clean(c.group("body"))
            if body:
                out.append(Decision(body, "noted" if _NOTED_SENT.match(body) else "conclusion", page))
                mode = ""
            else:
                mode = "conclusions"
            continue
        if mode and not bullet:
            mode = ""
        if mode or _TASK_LINE.match(unit):
            d = _free_sentence(unit, page, mode)
            if d:
                out.append(d)
            continue
        for sent in _sentences(unit):
            d = _free_sentence(sent, page, "")
            if d:
                out.append(d)
    return out


# ---------------------------------------------------------------- driver
def _lines(pages: Iterable[tuple[int | None, str]]) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for number, text in pages:
        for raw in (text or "").splitlines():
            line = " ".join(raw.split())
            if line and not _PAGE_NOISE.match(line):
                out.append((line, number))
    return out


def extract_decisions(pages: Iterable[tuple[int | None, str]]) -> list[Decision]:
    """Decisions and tasks from (page number, text) pairs, in reading order."""
    out: list[Decision] = []
    block: _Block | None = None
    free: list[tuple[str, int | None]] = []
    skipping = False  # inside a "NEPŘIJATÉ NÁVRHY" section

    def flush_free() -> None:
        if free:
            out.extend(_free_decisions(free))
            free.clear()

    def flush_block() -> None:
        nonlocal block
        if block is not None:
            out.extend(_block_decisions(block))
            block = None

    for line, page in _lines(pages):
        folded = fold_same_length(line)
        header = _HEADER.match(line) or _INLINE_HEADER.match(line)
        if header and header.re is _INLINE_HEADER and not _VERB_RE.search(header.group("rest")[:80]):
            header = None
        if header:
            flush_free()
            flush_block()
            skipping = False
            block = _Block(re.sub(r"\s+", "", header.group("num")), page)
            rest = header.group("rest").strip()
            if rest:
                item = _ITEM.match(rest)
                if item:
                    block.items.append((item.group("letter"), [item.group("rest")], page))
                else:
                    block.subject.append(rest.rstrip(":"))
            continue
        if _REJECTED_SECTION.match(folded):
            flush_block()
            flush_free()
            skipping = True
            continue
        if skipping:
            if _SIGNATURE.search(folded) or _AGENDA_HEADING.match(line):
                skipping = False
            continue
        if block is not None:
            if (
                _SIGNATURE.search(folded)
                or (_AGENDA_HEADING.match(line) and not _ITEM.match(line))
                or _TASK_LINE.match(line)  # "Úkol 5/2: …" after a resolution is a record of its own
            ):
                flush_block()
                if _SIGNATURE.search(folded):
                    continue
                free.append((line, page))
                continue
            vote = _VOTE.match(line) if (block.voting or line.startswith("Hlasování")) else None
            if vote or _VOTE_HEAD.match(line):
                block.voting = True
                if vote and _REJECTED.search(folded):
                    if vote.group("letter"):
                        block.rejected.add(vote.group("letter"))
                    else:
                        block.rejected_all = True
                continue
            if block.voting:  # the resolution ended with its vote; discussion follows
                flush_block()
                free.append((line, page))
                continue
            resp = _RESPONSIBLE.match(line)
            if resp:
                block.responsible = block.responsible + split_responsible(resp.group("v"))
                continue
            dl = _DEADLINE.match(line)
            if dl:
                block.deadline_text = dl.group("v")
                continue
            item = _ITEM.match(line)
            if item:
                block.items.append((item.group("letter"), [item.group("rest")], page))
            elif block.items:
                block.items[-1][1].append(line)
            else:
                block.subject.append(line.rstrip(":") if not block.subject else line)
            continue
        if _SIGNATURE.search(folded):
            continue
        free.append((line, page))
    flush_block()
    flush_free()
    return out


def responsible_ministries(decision: Decision) -> tuple[str, ...]:
    """The ministry codes among a decision's responsible parties."""
    return tuple(r for r in decision.responsible if r in BY_CODE and BY_CODE[r].kind == "ministry")
