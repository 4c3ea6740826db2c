"""HTML: the main content of a page, without navigation, footers and scripts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from scsearch.models import ExtractedDocument, Page

from .encoding import decode_czech
from .registry import Options, register
from .tables import table_lines
from .textfix import clean_line

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "svg", "button")
_BOILER = re.compile(r"(^|[-_ ])(nav|navbar|menu|breadcrumbs?|cookies?|footer|sidebar|skip-link|social|share)([-_ ]|$)", re.I)
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article", "main",
           "header", "blockquote", "pre", "dd", "dt", "table", "ul", "ol")


def _is_boilerplate(tag: Tag) -> bool:
    if tag.get("role") in ("navigation", "contentinfo", "banner", "search"):
        return True
    attrs = " ".join([str(tag.get("id") or "")] + [str(c) for c in (tag.get("class") or [])])
    return bool(attrs.strip()) and bool(_BOILER.search(attrs))


def _main(soup: BeautifulSoup) -> Tag:
    for selector in ("main", "[role=main]", "article", "#content", "#main", ".content"):
        found = soup.select(selector)
        if found:
            return max(found, key=lambda t: len(t.get_text()))
    return soup.body or soup


@register("html", extensions=(".html", ".htm", ".xhtml"))
def extract_html(path: Path, opts: Options) -> ExtractedDocument:
    from bs4 import BeautifulSoup, Tag  # imported when an HTML file is read, not by every extraction worker

    data = path.read_bytes()
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    if m:
        text = data.decode(m.group(1).decode("ascii"), errors="replace") if _known(m.group(1)) else decode_czech(data)[0]
    else:
        text = decode_czech(data)[0]
    soup = BeautifulSoup(text, "lxml")
    title = clean_line(soup.title.get_text()) if soup.title else ""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if isinstance(tag, Tag) and tag.attrs is not None and _is_boilerplate(tag):
            tag.decompose()
    main = _main(soup)
    for header in main.find_all("header"):
        if header.find_parent(["article", "main", "section"]) is None:
            header.decompose()
    for table in main.find_all("table"):
        rows = [[c.get_text(" ") for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
        table.replace_with(soup.new_string("\n" + "\n".join(table_lines(rows)) + "\n"))
    for tag in main.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [clean_line(ln) for ln in main.get_text().splitlines()]
    body = "\n".join(ln for ln in lines if ln)
    heading = ""
    h1 = soup.find("h1")
    if h1 is not None:
        heading = clean_line(h1.get_text())
    props = {"title": title} if title else {}
    return ExtractedDocument(
        path=str(path), format="html", pages=(Page(number=None, text=body, heading=heading or title),), properties=props
    )


def _known(name: bytes) -> bool:
    import codecs

    try:
        codecs.lookup(name.decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return False
    return True
