"""End-to-end in headless Chromium: the Výzvy and Jednání pages over the sample corpus, served by
``scsearch serve`` on 127.0.0.1; what the pages show agrees with ``/api/calls`` and ``/api/meetings``."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._fixtures_server import serve

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} chybí (Debian balík chromium): prohlížečové testy přeskočeny", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="python balík playwright není nainstalován")

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--lang=cs-CZ"]


@pytest.fixture(scope="module")
def server(corpus_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``scsearch serve`` (gunicorn) on 127.0.0.1, stopped after the module."""
    with serve(corpus_data_dir, tmp_path_factory.mktemp("server") / "serve.log") as running:
        yield running.base


def api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=30) as resp:
        data: dict = json.loads(resp.read().decode("utf-8"))
        return data


@pytest.fixture()
def page(server: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="cs-CZ", viewport={"width": 1280, "height": 900}, base_url=server)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield pg
        finally:
            context.close()
            browser.close()
        assert errors == [], errors


def test_calls_page_filters_and_links(page: Any, server: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Výzvy", exact=True).click()
    page.wait_for_url("**/vyzvy")
    page.fill("#c-open", "2017-10-15")
    page.select_option("#c-app", "obce")
    page.select_option("#c-min", "MŽP")
    page.get_by_role("button", name="Zobrazit výzvy").click()
    page.wait_for_url("**open_on=2017-10-15**")
    expected = api(server, "/api/calls?open_on=2017-10-15&applicant=obce&ministry=M%C5%BDP")
    rows = page.locator("tr.call")
    assert rows.count() == expected["total"] == 6
    assert [rows.nth(i).get_attribute("data-call-id") for i in range(rows.count())] == [
        c["id"] for c in expected["calls"]]  # by deadline, as the API
    assert "69. výzva – Energetické úspory veřejných budov" in rows.first.inner_text()
    assert "termín ukončení: 31. 8. 2017 → 31. 10. 2017" in rows.first.inner_text()  # a moved deadline
    page.check("input[value=konci]")
    page.get_by_role("button", name="Zobrazit výzvy").click()
    page.wait_for_url("**stav=konci**")
    soon = api(server, "/api/calls?open_on=2017-10-15&closing_within=30&applicant=obce&ministry=M%C5%BDP")
    assert page.locator("tr.call").count() == soon["total"] == 1
    link = page.locator("tr.call a.call-source").first  # the newest overview's row
    link.click()
    page.wait_for_url("**/dokument/**#p11")
    assert "69. výzva" in page.locator("#p11").locator("xpath=..").inner_text()


def test_meetings_page_timeline_documents_and_task_reports(page: Any, server: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Jednání", exact=True).click()
    page.wait_for_url("**/jednani")
    expected = api(server, "/api/meetings")
    items = page.locator("li.meeting")
    assert items.count() == expected["total"] == 7
    assert [items.nth(i).get_attribute("data-meeting") for i in range(7)] == [
        str(m["number"]) for m in expected["meetings"]]
    fifth = page.locator("#jednani-5")
    text = fifth.inner_text()
    assert "31. 5. 2017" in text.replace("\u00a0", " ")
    assert "Zdravá města, místní Agenda 21 a Smart Cities" in text  # given at the 5th meeting (by its date)
    assert "MZe" not in fifth.locator(".present").inner_text()  # excused
    task = fifth.locator("li.decision", has_text="Úkol 5/1")
    assert "6. jednání: splněn" in task.inner_text()
    task.get_by_role("link", name="zápis").click()
    page.wait_for_url("**/dokument/**#p1")
    assert "Úkoly 5/1, 5/2 a 5/3 byly splněny" in page.locator("main").inner_text()


def test_search_shows_a_document_once_with_its_other_format(page: Any, server: str) -> None:
    page.goto("/?q=elektromobilita")
    titles = [t.strip() for t in page.locator("li.result article h2").all_inner_texts()]
    assert len(titles) == len(set(titles))
    first = page.locator("li.result").first
    assert "také jako PPTX" in first.inner_text()
    first.locator(".formats a").click()
    page.wait_for_url("**/dokument/**")
    assert "Elektromobilita a čistá mobilita ve městech" in page.locator("main").inner_text()
