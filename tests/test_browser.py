"""End-to-end: headless Chromium against ``scsearch serve`` on 127.0.0.1 over a real index.

Screenshots of the main screens go to a temporary folder, or to ``docs/screenshots/``
when ``SCSEARCH_SCREENSHOTS=1`` (how the committed ones were made).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._fixtures_server import serve
from tests._fixtures_webui import REPO, SCRIPT_NAME, WebIndex

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} chybí (Debian balík chromium): prohlížečové testy přeskočeny", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="python balík playwright není nainstalován")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NBSP = "\u00a0"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--lang=cs-CZ"]


@pytest.fixture(scope="module")
def server(web_index: WebIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``scsearch serve`` (gunicorn) on 127.0.0.1, stopped after the module."""
    with serve(web_index.data_dir, tmp_path_factory.mktemp("server") / "serve.log") as running:
        yield running.base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(locale="cs-CZ", viewport={"width": 1280, "height": 900}, base_url=server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # the Content-Security-Policy must not block anything the pages use (inline code would be refused)
    pg.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        yield pg
    finally:
        context.close()
    assert errors == [], errors


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("SCSEARCH_SCREENSHOTS") == "1":
        out = REPO / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path_factory.mktemp("screenshots")


def _titles(pg: Any) -> list[str]:
    return [t.strip() for t in pg.locator("li.result article h2").all_inner_texts()]


def test_search_facet_dates_document_and_citation(page: Any, server: str, shots: Path) -> None:
    pg = page
    pg.goto("/")
    pg.get_by_label("Hledat v zápisech, prezentacích a dalších dokumentech skupiny").fill("elektromobilita")
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/?q=elektromobilita")
    assert pg.locator("h1.count").inner_text() == f"Nalezeno 14{NBSP}míst v{NBSP}4{NBSP}dokumentech"
    assert len(_titles(pg)) == 4

    # ministry facet (a checkbox link)
    mzp = pg.locator('a.facet-value[data-value="MŽP"]')
    mzp.click()
    pg.wait_for_url("**/?q=elektromobilita&ministry=M%C5%BDP")
    assert pg.locator('a.facet-value[data-value="MŽP"]').get_attribute("aria-checked") == "true"
    assert len(_titles(pg)) == 3

    # date range
    pg.get_by_label("od", exact=True).fill("2017-04-01")
    pg.get_by_label("do", exact=True).fill("2017-04-30")
    pg.get_by_role("button", name="Použít rozsah").click()
    pg.wait_for_url("**/?q=elektromobilita&ministry=M%C5%BDP&from=2017-04-01&to=2017-04-30")
    assert _titles(pg) == [
        "Elektromobilita a čistá mobilita ve městech",
        "Zápis ze 4. jednání Pracovní skupiny pro Smart Cities",
    ]
    assert pg.locator("li.result").first.locator("p.where a").all_inner_texts() == [f"s.{NBSP}6"]
    pg.screenshot(path=str(shots / "vysledky-hledani.png"), full_page=False)

    # copy a citation
    first_hit = pg.locator("li.hit").first
    expected = f"Elektromobilita a čistá mobilita ve městech, 5.{NBSP}4.{NBSP}2017, s.{NBSP}6"
    button = first_hit.get_by_role("button", name="Kopírovat citaci")
    assert button.get_attribute("data-copy") == expected
    button.click()
    sync_api.expect(first_hit.locator(".copy-status")).to_have_text("Citace zkopírována.")
    assert button.get_attribute("data-copied") == expected
    assert pg.evaluate("navigator.clipboard.readText()") == expected

    # open the document at the hit's page, with the hits highlighted
    first_hit.get_by_role("link", name="Zobrazit v dokumentu").click()
    pg.wait_for_url("**/dokument/*?q=elektromobilita#u5")
    assert pg.locator("h1").inner_text() == "Elektromobilita a čistá mobilita ve městech"
    top = pg.evaluate("document.getElementById('u5').getBoundingClientRect().top")
    assert -2 <= top < 800, top  # the 6th page is in view (the page may end before it reaches the top)
    assert pg.evaluate("window.scrollY") > 0
    assert pg.locator("#u5 h2").inner_text().startswith(f"s.{NBSP}6")
    assert pg.locator("#u5 mark").count() >= 1
    pg.evaluate("window.scrollTo(0, 0)")
    pg.screenshot(path=str(shots / "dokument.png"), full_page=False)

    # jump to a hit from the jump list
    pg.locator("nav.jumps a.jump").nth(2).click()
    assert pg.url.endswith("#hit-3")
    assert pg.evaluate("document.getElementById('hit-3').getBoundingClientRect().top") < 900

    # the original file, opened at the page
    link = pg.locator("#u5 a.unit-file")
    href = link.get_attribute("href")
    assert href is not None and href.endswith("#page=6")
    resp = pg.request.get(href.split("#")[0])
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    assert resp.body()[:5] == b"%PDF-"


def test_script_in_a_document_is_text_not_code(page: Any, server: str, web_index: WebIndex) -> None:
    pg = page
    pg.goto("/?q=script")
    assert "<script>" in pg.locator(".snippet").first.inner_text()
    pg.get_by_role("link", name="Poznámka k bezpečnosti webových stránek obcí").click()
    pg.wait_for_load_state()
    assert "<script>document.title='XSS';window.__xss=1</script>" in pg.locator(".unit-text").inner_text()
    assert pg.evaluate("typeof window.__xss") == "undefined"
    assert pg.title() != "XSS"
    assert pg.evaluate("document.querySelectorAll('script').length") == 1  # only /static/app.js
    # the original .txt is served as text, not rendered
    doc_id = pg.url.split("/dokument/")[1].split("?")[0]
    resp = pg.request.get(f"/soubor/{doc_id}")
    assert resp.headers["content-type"] == "text/plain; charset=utf-8"
    assert SCRIPT_NAME  # the fixture's document


def test_keyboard_toggles_a_facet_and_help(page: Any, server: str, shots: Path) -> None:
    pg = page
    pg.goto("/?q=elektromobilita")
    pg.locator('a.facet-value[data-value="MD"]').focus()
    pg.keyboard.press(" ")
    pg.wait_for_url("**/?q=elektromobilita&ministry=MD")
    pg.keyboard.press("Tab")  # focus is visible somewhere on the page after navigation
    pg.goto("/napoveda")
    assert pg.locator("#ministerstva h2").inner_text() == "Jak funguje filtr ministerstev"
    pg.screenshot(path=str(shots / "napoveda.png"), full_page=False)


def test_phone_layout(browser: Any, server: str, shots: Path) -> None:
    context = browser.new_context(locale="cs-CZ", viewport={"width": 390, "height": 844}, base_url=server,
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
    try:
        pg = context.new_page()
        pg.goto("/?q=elektromobilita")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width  # no horizontal scrolling
        results_top = pg.locator(".results").bounding_box()["y"]
        filters_top = pg.locator(".filters").bounding_box()["y"]
        assert results_top < filters_top  # results first on a phone, filters below
        pg.screenshot(path=str(shots / "vysledky-telefon.png"), full_page=False)
    finally:
        context.close()
