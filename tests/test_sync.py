"""``scsearch sync``: fixture sites on a real HTTP server on 127.0.0.1, the real CLI in subprocesses,
the real pipeline and index; assertions on files, sidecars, search results and exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._fixtures_site import Route, Site, serve

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ENV = {"SCSEARCH_LEMMATIZER": "simplemma", "SCSEARCH_SYNC_DELAY": "0", "SCSEARCH_SYNC_BACKOFF": "0.01",
       "SCSEARCH_SYNC_RETRIES": "1", "SCSEARCH_SYNC_CONTACT": "spravce@example.cz", "SCSEARCH_SOURCES": ""}


def scsearch(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=240, env=dict(os.environ, **ENV, **env), cwd=ROOT)


def sync_json(data: Path, url: str, *extra: str, **env: str) -> tuple[int, dict]:
    res = scsearch(data, "sync", url, "--json", *extra, **env)
    assert res.stdout.strip(), res.stderr
    return res.returncode, json.loads(res.stdout)


def search(data: Path, query: str) -> list[dict]:
    res = scsearch(data, "search", query, "--json", "--limit", "50")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)["hits"]


def documents(data: Path) -> dict[str, dict]:
    res = scsearch(data, "documents", "--json")
    assert res.returncode == 0, res.stderr
    return {Path(d["path"]).name: d for d in json.loads(res.stdout)["documents"]}


def pptx(*slides: str) -> bytes:
    """A presentation with no date anywhere (the page has to give its meeting)."""
    from pptx import Presentation

    prs = Presentation()
    for text in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        title, body = slide.shapes.title, slide.placeholders[1]
        title.text, body.text = text.split("\n", 1)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def corpus(rel: str) -> bytes:
    return (CORPUS / rel).read_bytes()


def group_page(meeting5_zapis: str = "/soubory/zapis5.pdf", with_plan: bool = True) -> bytes:
    plan = ('<p>Plán činností Pracovní skupiny pro Smart Cities naleznete ke stažení '
            '<a href="/soubory/plan.pdf">zde</a> [PDF, 191.17KB].</p>') if with_plan else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>PS pro SC</title>
<script>var x = "<a href='/soubory/skript.pdf'>nic</a>";</script></head><body>
<h1>Pracovní skupina pro Smart Cities</h1>
<p>Termín dalšího jednání Pracovní skupiny pro SC: POZOR změna termínu: úterý 19. 3. 2018</p>
<p>V rámci činnosti PS pro SC je zpracováván Přehled aktuálních výzev. Dokument je nyní k dispozici v záložce
<a href="zdroje">Zdroje finanční podpory Smart City projektů</a> a je čtvrtletně aktualizován.</p>
{plan}
<p>19. července 2017: Dne 31. 5. 2017 se konalo páté jednání Pracovní skupiny pro Smart Cities. Zde naleznete
<a href="{meeting5_zapis}">zápis</a> a <a href="/soubory/prezentace5.pptx">prezentaci</a> z jednání.</p>
<p>19. července 2017: Dne 5. 4. 2017 se konalo čtvrté jednání Pracovní skupiny pro Smart Cities. Zde naleznete
<a href="/ps-sc/ctvrte-jednani">zápis a prezentaci</a> z jednání.</p>
<p>2. listopadu 2016: Dne 7. 9. 2016 se konalo první jednání Pracovní skupiny pro Smart Cities. Zde naleznete
<a href="/stahnout?id=7">zápis</a> z jednání.</p>
<p><a href="mailto:ps@mmr.cz">Napište nám</a> · <a href="https://www.example.org/jinde.pdf">jiný web</a></p>
</body></html>""".encode()


MEETING4_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1250"></head>
<body><h1>Čtvrté jednání PS pro SC</h1><ul>
<li><a href="/soubory/4/Zápis ze 4. jednání.pdf">Zápis ze čtvrtého jednání</a></li>
<li><a href="../soubory/4/../4/prezentace osvětlení.pptx">Prezentace – veřejné osvětlení</a></li>
</ul></body></html>""".encode("cp1250")

FUNDING_PAGE = b"""<html><body><h1>Zdroje finan\xc4\x8dn\xc3\xad podpory Smart City projekt\xc5\xaf</h1>
<p>31. b\xc5\x99ezna 2017: <a href="/soubory/Prehled_vyzev_SC_2017-03-31.pdf">P\xc5\x99ehled aktu\xc3\xa1ln\xc3\xadch v\xc3\xbdzev</a></p>
</body></html>"""


def group_site() -> Site:
    return Site(routes={
        "/robots.txt": Route(b"User-agent: *\nDisallow: /interni/\n", "text/plain"),
        "/ps-sc/": Route(group_page()),
        "/ps-sc/zdroje": Route(FUNDING_PAGE),
        "/ps-sc/ctvrte-jednani": Route(MEETING4_PAGE, "text/html"),
        "/soubory/plan.pdf": Route(corpus("ostatni/Plan_cinnosti_PS_SC.pdf"), PDF),
        "/soubory/zapis5.pdf": Route(corpus("zapisy/Zapis_PS_SC_2017-05-31.pdf"), PDF),
        "/soubory/prezentace5.pptx": Route(pptx("Zelené střechy\nZelené střechy ochlazují ulice města Brna."), PPTX),
        "/soubory/4/Zápis ze 4. jednání.pdf": Route(corpus("zapisy/Zapis_PS_SC_2017-04-05.pdf"), PDF),
        "/soubory/4/prezentace osvětlení.pptx": Route(pptx("Veřejné osvětlení\nChytré lampy šetří elektřinu."), PPTX),
        "/soubory/Prehled_vyzev_SC_2017-03-31.pdf": Route(corpus("financovani/Prehled_vyzev_SC_2017-03-31.pdf"), PDF),
        "/stahnout": Route(corpus("zapisy/Zapis_PS_SC_2016-09-07.pdf"), PDF),
    })


@pytest.fixture()
def site() -> Iterator[Site]:
    yield from serve(group_site())


def test_group_page_sync_resync_changes_and_failed_start(tmp_path: Path, site: Site) -> None:
    data = tmp_path / "data"
    url = site.base + "/ps-sc/"
    code, out = sync_json(data, url)
    assert code == 0, out
    assert out["failed"] == [] and out["unchanged"] == []
    names = {u.rsplit("/", 1)[-1].split("?")[0] for u in out["downloaded"]}
    assert names == {"plan.pdf", "zapis5.pdf", "prezentace5.pptx", "Z%C3%A1pis%20ze%204.%20jedn%C3%A1n%C3%AD.pdf",
                     "prezentace%20osv%C4%9Btlen%C3%AD.pptx", "Prehled_vyzev_SC_2017-03-31.pdf", "stahnout"}
    assert out["ingested"] == 7 and out["next_meeting"] == "2018-03-19"

    into = data / "sources" / "127.0.0.1"
    files = sorted(p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file())
    assert files == sorted([
        "soubory/plan.pdf", "soubory/plan.pdf.sync.json", "soubory/zapis5.pdf", "soubory/zapis5.pdf.sync.json",
        "soubory/prezentace5.pptx", "soubory/prezentace5.pptx.sync.json",
        "soubory/4/Zápis_ze_4._jednání.pdf", "soubory/4/Zápis_ze_4._jednání.pdf.sync.json",
        "soubory/4/prezentace_osvětlení.pptx", "soubory/4/prezentace_osvětlení.pptx.sync.json",
        "soubory/Prehled_vyzev_SC_2017-03-31.pdf", "soubory/Prehled_vyzev_SC_2017-03-31.pdf.sync.json",
        "stahnout-" + files_hash(files, "stahnout-"), "stahnout-" + files_hash(files, "stahnout-") + ".sync.json",
    ])
    assert (into / "soubory/zapis5.pdf").read_bytes() == corpus("zapisy/Zapis_PS_SC_2017-05-31.pdf")
    ctx = json.loads((into / "soubory/prezentace5.pptx.sync.json").read_text(encoding="utf-8"))
    assert ctx["source_url"] == site.base + "/soubory/prezentace5.pptx"
    assert (ctx["published"], ctx["meeting"], ctx["meeting_date"], ctx["link_text"]) == (
        "2017-07-19", 5, "2017-05-31", "prezentaci")
    assert ctx["retrieved_at"][:10] == dt.date.today().isoformat() and ctx["withdrawn"] is None

    docs = documents(data)
    pres5 = docs["prezentace5.pptx"]
    assert (pres5["date"], pres5["date_source"], pres5["source"]["meeting"]) == ("2017-05-31", "page", 5)
    pres4 = docs["prezentace_osvětlení.pptx"]  # a sub-page in cp1250: the meeting comes from the link to it
    assert (pres4["date"], pres4["source"]["meeting"], pres4["source"]["link_text"]) == (
        "2017-04-05", 4, "Prezentace – veřejné osvětlení")
    assert docs["plan.pdf"]["source"]["link_text"] == "zde"
    hits = search(data, "střechy ochlazují")
    assert [Path(h["path"]).name for h in hits] == ["prezentace5.pptx"] and hits[0]["date"] == "2017-05-31"
    ua = site.seen("/ps-sc/")[0].headers["user-agent"]
    assert "scsearch" in ua and "spravce@example.cz" in ua
    assert site.seen("/robots.txt") and not site.seen("/soubory/skript.pdf")

    # the web UI: the next meeting on the home page
    from scsearch.webui import create_app

    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    assert "Příští jednání: 19. 3. 2018" in client.get("/").text.replace("\xa0", " ")

    # an unchanged site: one conditional request per file, nothing downloaded or re-indexed
    site.requests.clear()
    code, out = sync_json(data, url)
    assert code == 0 and out["downloaded"] == [] and len(out["unchanged"]) == 7 and out["ingested"] == 0
    for path in ("/soubory/plan.pdf", "/soubory/zapis5.pdf", "/soubory/4/prezentace osvětlení.pptx", "/stahnout"):
        (req,) = site.seen(path)
        assert req.headers.get("if-none-match") and req.headers.get("if-modified-since"), path
        assert req.status == 304

    # the site changes: a presentation replaced, the plan's link removed, a minutes file moved
    site.routes["/soubory/prezentace5.pptx"] = Route(pptx("Vodíkové autobusy\nVodíkové autobusy vozí cestující v Plzni."), PPTX)
    site.routes["/soubory/2017/zapis-5.pdf"] = site.routes.pop("/soubory/zapis5.pdf")
    site.routes["/ps-sc/"] = Route(group_page("/soubory/2017/zapis-5.pdf", with_plan=False))
    code, out = sync_json(data, url)
    assert code == 0, out
    assert sorted(out["downloaded"]) == [site.base + "/soubory/2017/zapis-5.pdf", site.base + "/soubory/prezentace5.pptx"]
    assert out["withdrawn"] == [site.base + "/soubory/plan.pdf"]
    assert out["moved"] == [site.base + "/soubory/zapis5.pdf"]
    assert not (into / "soubory/zapis5.pdf").exists() and (into / "soubory/2017/zapis-5.pdf").is_file()
    assert (into / "soubory/plan.pdf").is_file()
    assert search(data, "střechy ochlazují") == []
    assert [Path(h["path"]).name for h in search(data, "autobusy vozí cestující")][:1] == ["prezentace5.pptx"]
    docs = documents(data)
    assert docs["plan.pdf"]["source"]["withdrawn"] == dt.date.today().isoformat()
    assert "zapis5.pdf" not in docs and docs["zapis-5.pdf"]["date"] == "2017-05-31"
    assert any(Path(h["path"]).name == "plan.pdf" for h in search(data, "plán činností"))  # still searchable
    page = client.get(f"/dokument/{docs['plan.pdf']['doc_id']}").text
    assert "odstraněno z webu" in page and site.base + "/soubory/plan.pdf" in page
    results = client.get("/", query_string={"q": "plán činností"}).text.replace("\xa0", " ")
    today = dt.date.today()
    assert f"odstraněno z webu {today.day}. {today.month}. {today.year}" in results

    # the start page fails: exit 1, nothing withdrawn, the index as it was
    site.routes["/ps-sc/"] = Route(b"busy", "text/plain", status=503)
    code, out = sync_json(data, url)
    assert code == 1 and out["failed"][0]["url"] == url and "HTTP 503" in out["failed"][0]["reason"]
    assert out["withdrawn"] == [] and out["ingested"] == 0
    assert documents(data) == docs

    # reindex syncs the remembered site too
    site.routes["/ps-sc/"] = Route(group_page("/soubory/2017/zapis-5.pdf", with_plan=False))
    res = scsearch(data, "reindex")
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"Synchronizace {url}: staženo 0, beze změny 6" in res.stdout


def files_hash(files: list[str], prefix: str) -> str:
    """The name the extensionless link got (``stahnout-<hash of the query>.pdf``)."""
    (name,) = [f for f in files if f.startswith(prefix) and not f.endswith(".sync.json")]
    return name[len(prefix):]


BAD_PAGE = """<html><body><h1>Dokumenty</h1><ul>
<li><a href="/dobry.pdf">v pořádku</a></li>
<li><a href="/chyba200.pdf">HTML místo PDF</a></li>
<li><a href="/chybi.pdf">neexistuje</a></li>
<li><a href="/obri.pdf">obrovský</a></li>
<li><a href="/nekonecny.pdf">nekonečný</a></li>
<li><a href="/smycka.pdf">smyčka</a></li>
<li><a href="/ven.pdf">přesměrování jinam</a></li>
<li><a href="/padajici.pdf">chyba serveru</a></li>
<li><a href="/obcas.pdf">napoprvé chyba</a></li>
<li><a href="/interni/tajne.pdf">zakázaný</a></li>
<li><a href="../../../../../etc/unik.pdf">únik z adresáře</a></li>
<li><a href="http://[::1/zly.pdf">rozbitá adresa</a></li>
</ul></body></html>""".encode()


@pytest.fixture()
def bad_site() -> Iterator[Site]:
    good = corpus("zapisy/Zapis_PS_SC_2017-04-05.pdf")
    site = Site(routes={
        "/robots.txt": Route(b"User-agent: *\nDisallow: /interni/\n", "text/plain"),
        "/": Route(BAD_PAGE),
        "/dobry.pdf": Route(good, PDF),
        "/chyba200.pdf": Route(b"<!DOCTYPE html><html><body>Str\xc3\xa1nka nenalezena</body></html>"),
        "/obri.pdf": Route(content_type=PDF, behaviour="huge", validators=False),
        "/nekonecny.pdf": Route(content_type=PDF, behaviour="endless", validators=False),
        "/smycka.pdf": Route(status=302, location="/smycka2.pdf"),
        "/smycka2.pdf": Route(status=302, location="/smycka.pdf"),
        "/padajici.pdf": Route(b"busy", "text/plain", status=503),
        "/obcas.pdf": Route(corpus("zapisy/Zapis_PS_SC_2017-02-01.pdf"), PDF, behaviour="flaky"),
        "/interni/tajne.pdf": Route(good, PDF),
        "/etc/unik.pdf": Route(corpus("zapisy/Zapis_PS_SC_2016-11-15.pdf"), PDF),
    })
    for served in serve(site):
        site.routes["/ven.pdf"] = Route(status=301, location=served.base.replace("127.0.0.1", "localhost") + "/x.pdf")
        yield served


def test_bad_responses_each_give_a_reason_and_the_rest_is_indexed(tmp_path: Path, bad_site: Site) -> None:
    data, into = tmp_path / "data", tmp_path / "web"
    code, out = sync_json(data, bad_site.base + "/", "--into", str(into),
                          SCSEARCH_SYNC_MAX_MB="1", SCSEARCH_SYNC_FILE_TIMEOUT="2")
    assert code == 1
    reasons = {f["url"].removeprefix(bad_site.base): f["reason"] for f in out["failed"]}
    assert "stránku HTML" in reasons.pop("/chyba200.pdf")
    assert "HTTP 404" in reasons.pop("/chybi.pdf")
    assert "větší než limit 1 MB" in reasons.pop("/obri.pdf")
    assert "déle než 2 s" in reasons.pop("/nekonecny.pdf")
    assert "smyčka přesměrování" in reasons.pop("/smycka.pdf")
    assert "mimo povolený web" in reasons.pop("/ven.pdf")
    assert "HTTP 503" in reasons.pop("/padajici.pdf")
    assert "robots.txt" in reasons.pop("/interni/tajne.pdf")
    ((broken, reason),) = reasons.items()
    assert "http://[::1/zly.pdf" in broken and "neplatná adresa" in reason
    assert sorted(out["downloaded"]) == [bad_site.base + p for p in ("/dobry.pdf", "/etc/unik.pdf", "/obcas.pdf")]
    assert out["ingested"] == 3
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                     if p.is_file() and not p.is_relative_to(data))
    assert written == ["web/dobry.pdf", "web/dobry.pdf.sync.json", "web/etc/unik.pdf", "web/etc/unik.pdf.sync.json",
                       "web/obcas.pdf", "web/obcas.pdf.sync.json"]
    assert len(bad_site.seen("/padajici.pdf")) == 2  # retried once
    assert search(data, "elektromobilita")  # the good minutes are searchable

    res = scsearch(data, "sync", bad_site.base + "/", "--into", str(into),
                   SCSEARCH_SYNC_MAX_MB="1", SCSEARCH_SYNC_FILE_TIMEOUT="2")
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert f"beze změny {bad_site.base}/dobry.pdf" in lines
    assert any(x.startswith(f"CHYBA {bad_site.base}/chybi.pdf: nefunkční odkaz") for x in lines)
    assert lines[-1].startswith(f"Synchronizace {bad_site.base}/: staženo 0, beze změny 3, chyb 9")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    res = scsearch(tmp_path / "data", "sync", "ftp://example.org/")
    assert res.returncode == 2 and "neplatná adresa stránky" in res.stderr
    (tmp_path / "soubor").write_text("x")
    res = scsearch(tmp_path / "data", "sync", "http://127.0.0.1:9/", "--into", str(tmp_path / "soubor"))
    assert res.returncode == 2 and "je soubor" in res.stderr


def test_page_context_and_safe_names(tmp_path: Path) -> None:
    from scsearch.ingest.sync.crawl import decode_page, resolve_url
    from scsearch.ingest.sync.files import local_path
    from scsearch.ingest.sync.pagectx import link_context, meeting_number

    assert [meeting_number(f"{w} jednání") for w in ("první", "desáté", "dvacáté", "dvacáté páté", "třicáté")] == [
        1, 10, 20, 25, 30]
    assert meeting_number("Zápis z 12. jednání PS") == 12
    ctx = link_context("13. listopadu 2017: Zápis ke stažení.", "Zápis")
    assert (ctx.published, ctx.meeting, ctx.meeting_date) == (dt.date(2017, 11, 13), None, None)
    assert decode_page("Zápis".encode("cp1250"), "") == "Zápis"
    url = resolve_url("http://h/a/b/", "../../../x/./y z.pdf#strana=2")
    assert url == "http://h/x/y%20z.pdf"
    assert resolve_url("http://h/", "javascript:alert(1)") is None
    path = local_path(tmp_path, "http://h/%2e%2e/%2e%2e/.skryty/..%2fx/a%20b.pdf?id=1", "pdf")
    assert path.is_relative_to(tmp_path) and path.name.startswith("a_b-") and path.suffix == ".pdf"
    assert ".." not in path.parts and not any(p.startswith(".") for p in path.relative_to(tmp_path).parts)


def test_admin_synchronizovat_button_runs_a_job_with_progress_and_audit(
        tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_admin import job_id_of, login, make_app, wait_for_job

    for key, value in ENV.items():
        monkeypatch.setenv(key, value)  # the job's worker process inherits them
    client = make_app(tmp_path).test_client()
    token = login(client)
    assert "Synchronizovat" in client.get("/admin/").text
    bad = client.post("/admin/synchronizovat", data={"csrf_token": token, "url": "ftp://x/"})
    assert bad.status_code == 302 and "/admin/" in bad.headers["Location"]
    url = site.base + "/ps-sc/"
    job = wait_for_job(client, job_id_of(client.post("/admin/synchronizovat", data={"csrf_token": token, "url": url})))
    assert job["job"]["state"] == "done", job["job"]
    lines = {(f["path"], f["status"]) for f in job["files"]}
    assert (site.base + "/soubory/plan.pdf", "downloaded") in lines
    assert job["job"]["indexed"] == 7 and "Synchronizace" in job["job"]["error"]
    assert any(f["status_label"] == "staženo z webu" for f in job["files"])
    audit = client.get("/admin/audit").text
    assert "spuštění synchronizace webu" in audit and "výsledek synchronizace webu" in audit
    assert url in client.get("/admin/").text  # the form offers the remembered site


def test_page_context_ranks_below_text_and_administrator() -> None:
    from scsearch.ingest.metadata import analyze
    from scsearch.models import UNIT_SLIDE, ExtractedDocument, Page, SourceContext

    source = SourceContext("http://h/p.pptx", meeting=5, meeting_date=dt.date(2017, 5, 31))
    undated = ExtractedDocument("p.pptx", "pptx", (Page(1, "Zelené střechy ve městě", kind=UNIT_SLIDE),),
                                properties={"created": "2013-01-27T09:14:16"})
    meta = analyze(undated, path="prezentace.pptx", source=source)
    assert (meta.date, meta.date_source, meta.meeting_number, meta.source) == (dt.date(2017, 5, 31), "page", 5, source)
    admin = analyze(undated, path="prezentace.pptx", source=source, override={"date": "2017-06-01"})
    assert (admin.date, admin.date_source) == (dt.date(2017, 6, 1), "override")
    dated = ExtractedDocument("z.pdf", "pdf", (Page(1, "Zápis z jednání konaného dne 5. 4. 2017"),))
    assert analyze(dated, path="z.pdf", source=source).date == dt.date(2017, 4, 5)
