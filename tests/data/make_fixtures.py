"""Build the extractor test files in tests/data (each named after the defect it exercises).

    .venv/bin/python tests/data/make_fixtures.py          # needs reportlab, python-pptx, python-docx,
                                                           # openpyxl, Pillow, DejaVu fonts, LibreOffice

The built files are committed, so the tests need none of these tools. Text is fixed, so a rebuild
gives files that extract to the same text (PDF/zip timestamps differ).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _canvas(name: str, size: tuple[float, float] = (595, 842), **kw: object):  # type: ignore[no-untyped-def]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    c = canvas.Canvas(str(HERE / name), pagesize=size, invariant=1, **kw)
    c.setFont("DejaVu", 10)
    return c


def two_column_hyphenated() -> None:
    c = _canvas("two_column_hyphenated.pdf")
    c.setFont("DejaVu", 14)
    c.drawString(50, 780, "Zápis z jednání pracovní skupiny")
    c.setFont("DejaVu", 10)
    left = ["Skupina projednala zavedení participativní-", "ho rozpočtu ve městě Frýdek-",
            "Místek a podporu pro e-", "mobilitu v celém regionu.", "Zástupce MMR představil výsledky"]
    right = ["Česko-", "slovenský projekt sdílených kol", "byl schválen bez připomínek.",
             "Další jednání proběhne", "v Praze dne 5. 4. 2017."]
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        c.drawString(50, 740 - 14 * i, a)
        c.drawString(320, 740 - 14 * i, b)
    c.showPage()
    c.save()


def letter_spaced_heading() -> None:
    c = _canvas("letter_spaced_heading.pdf")
    c.setFont("DejaVu", 16)
    x = 200.0
    for ch in "USNESENÍ":  # one glyph at a time, wide tracking
        c.drawString(x, 780, ch)
        x += c.stringWidth(ch, "DejaVu", 16) + 9
    c.setFont("DejaVu", 12)
    c.drawString(200, 750, "M ě s t o  L i t o v e l")  # spaces typed between letters
    c.setFont("DejaVu", 10)
    c.drawString(50, 720, "Rada města schvaluje rozpočet na rok 2017.")
    c.showPage()
    c.save()


def doubled_glyphs() -> None:
    c = _canvas("doubled_glyphs.pdf")
    c.setFont("DejaVu", 14)
    x = 50.0
    for ch in "Anketa byla spuštěna":  # fake bold: every glyph drawn twice, shifted a little
        c.drawString(x, 780, ch)
        c.drawString(x + 0.3, 780, ch)
        x += c.stringWidth(ch, "DejaVu", 14)
    c.drawString(50, 750, "VVyyhhooddnnoocceenníí aannkkeettyy")  # doubled in the text itself
    c.showPage()
    c.save()


def mojibake_cp1250() -> None:
    c = _canvas("mojibake_cp1250.pdf")
    c.setFont("Helvetica", 12)  # WinAnsi font, CP1250 bytes: what a mis-encoded TrueType font yields
    c.drawString(50, 780, "Pøíloha è. 1")
    c.setFont("DejaVu", 10)
    c.drawString(50, 750, "Územní plán obce Čerčany")
    c.showPage()
    c.save()


def running_headers() -> None:
    c = _canvas("running_headers.pdf")
    for k in range(1, 5):
        c.setFont("DejaVu", 9)
        c.drawString(50, 810, "Zápis z jednání PS pro Smart Cities")
        c.drawString(270, 30, f"Stránka {k} z 4")
        c.setFont("DejaVu", 11)
        c.drawString(50, 500, f"Bod {k}: projednání výzev ministerstva.")
        c.showPage()
    c.save()


def printed_page_labels() -> None:
    c = _canvas("printed_page_labels.pdf")
    for k in range(1, 4):
        c.setFont("DejaVu", 10)
        c.drawString(50, 500, f"Kapitola {k}: financování projektů.")
        c.drawString(290, 30, f"- {k + 10} -")
        c.showPage()
    c.save()


def rotated_page() -> None:
    c = _canvas("rotated_page.pdf", size=(300, 400))
    c.setPageRotation(90)
    c.setFont("DejaVu", 12)
    c.saveState()
    c.translate(100, 50)
    c.rotate(90)  # content turned so that the /Rotate 90 page reads upright
    c.drawString(0, 0, "První řádek textu")
    c.drawString(0, -20, "Druhý řádek textu")
    c.restoreState()
    c.showPage()
    c.save()


def ruled_table() -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    _canvas("ruled_table.pdf")  # registers the font
    doc = SimpleDocTemplate(str(HERE / "ruled_table.pdf"), pagesize=A4, invariant=1)
    style = ParagraphStyle("p", fontName="DejaVu", fontSize=12)
    data = [["Poskytovatel", "Výzva", "Uzávěrka"], ["MŽP", "Výzva 5/2017", "30. 4. 2017"], ["MMR", "IROP 12", "15. 6. 2017"]]
    table = Table(data)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), "DejaVu", 10)]))
    doc.build([Paragraph("Přehled aktuálních výzev", style), table])


def scanned_page() -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1000, 300), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    draw.text((40, 60), "Zápis z jednání skupiny", font=font, fill=0)
    draw.text((40, 160), "Ministerstvo pro místní rozvoj", font=font, fill=0)
    buf = io.BytesIO()
    img.convert("1").save(buf, format="PNG", optimize=True)
    from reportlab.lib.utils import ImageReader

    c = _canvas("scanned_page.pdf", size=(360, 108))  # 1000 px over 5 in = 200 dpi
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=360, height=108)
    c.showPage()
    c.save()


def encrypted() -> None:
    from reportlab.lib import pdfencrypt

    for name, user in (("encrypted_password.pdf", "tajne"), ("encrypted_empty_user_password.pdf", "")):
        enc = pdfencrypt.StandardEncryption(user, ownerPassword="vlastnik", canPrint=1, strength=128)
        c = _canvas(name, encrypt=enc)
        c.drawString(50, 780, "Důvěrný zápis z jednání.")
        c.showPage()
        c.save()


def many_pages() -> None:
    c = _canvas("many_pages.pdf", size=(100, 100))
    for k in range(30):
        c.setFont("DejaVu", 10)
        c.drawString(10, 50, f"Strana {k + 1}")
        c.showPage()
    c.save()


def hostile_pdfs() -> None:
    """Hand-written PDFs: a cyclic reference and a very deep array in the document info."""
    def write(name: str, info_obj: str) -> None:
        objs = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            None,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            info_obj,
        ]
        stream = b"BT /F1 12 Tf 20 100 Td (Text strany) Tj ET"
        out = bytearray(b"%PDF-1.4\n")
        offsets = []
        for i, body in enumerate(objs, start=1):
            offsets.append(len(out))
            if body is None:
                out += f"{i} 0 obj\n<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream\nendobj\n"
            else:
                out += f"{i} 0 obj\n{body}\nendobj\n".encode()
        xref = len(out)
        out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        (HERE / name).write_bytes(bytes(out))

    write("cyclic_objects.pdf", "<< /Title (Cyklus) /Loop 6 0 R /Self [6 0 R 6 0 R] >>")
    write("deeply_nested_objects.pdf", "<< /Title (Hloubka) /Deep " + "[" * 5000 + "]" * 5000 + " >>")


def damaged_files() -> None:
    (HERE / "zero_byte.pdf").write_bytes(b"")
    data = (HERE / "ruled_table.pdf").read_bytes()
    (HERE / "truncated.pdf").write_bytes(data[: len(data) // 2])
    docx = (HERE / "docx_header_footnote_table.docx").read_bytes()
    (HERE / "truncated.docx").write_bytes(docx[: len(docx) * 2 // 3])
    shutil.copyfile(HERE / "docx_header_footnote_table.docx", HERE / "wrong_extension_docx.pdf")
    shutil.copyfile(HERE / "running_headers.pdf", HERE / "wrong_extension_pdf.txt")
    with zipfile.ZipFile(HERE / "zip_bomb.docx", "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(HERE / "docx_header_footnote_table.docx") as src:
            for item in src.infolist():
                zf.writestr(item.filename, src.read(item.filename))
        zf.writestr("word/media/zeros.bin", b"\0" * (12 * 1024 * 1024), compresslevel=9)


def texts() -> None:
    text = "Zápis z jednání\nPříliš žluťoučký kůň úpěl ďábelské ódy.\nŠkoda, že Žatec je daleko.\n"
    (HERE / "cp1250.txt").write_bytes(text.encode("cp1250"))
    (HERE / "iso8859_2.txt").write_bytes(text.encode("iso-8859-2"))
    (HERE / "utf8_bom.txt").write_bytes(text.encode("utf-8-sig"))
    (HERE / "html_with_nav.html").write_text(
        """<!DOCTYPE html>
<html lang="cs"><head><meta charset="utf-8"><title>Pracovní skupina pro Smart Cities</title>
<script>var x = "skript";</script><style>body {color: black}</style></head>
<body>
<header><a href="/">Úvod</a> <a href="/kontakt">Kontakt</a></header>
<nav><ul><li>Menu položka</li><li>Další položka</li></ul></nav>
<div class="breadcrumb">Domů › Skupiny</div>
<main>
<h1>Pracovní skupina pro Smart Cities</h1>
<p>Skupina se schází <b>čtvrtletně</b> na Ministerstvu pro místní rozvoj.</p>
<table><tr><th>Datum</th><th>Místo</th></tr><tr><td>7. 9. 2016</td><td>Praha</td></tr></table>
</main>
<footer>© Ministerstvo pro místní rozvoj ČR</footer>
<div id="cookie-bar">Používáme cookies.</div>
</body></html>
""",
        encoding="utf-8",
    )


def pptx_notes_groups_tables() -> None:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    s1 = prs.slides.add_slide(prs.slide_layouts[1])
    s1.shapes.title.text = "Financování Smart Cities"
    s1.placeholders[1].text_frame.text = "Výzvy MMR a MŽP"
    group = s1.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(5), Inches(3), Inches(1)).text_frame.text = "Skupina A: doprava"
    group.shapes.add_textbox(Inches(5), Inches(5), Inches(3), Inches(1)).text_frame.text = "Skupina B: energetika"
    s1.notes_slide.notes_text_frame.text = "Poznámka řečníka: zmínit IROP."
    s2 = prs.slides.add_slide(prs.slide_layouts[5])
    s2.shapes.title.text = "Přehled výzev"
    rows = [["Poskytovatel", "Výzva"], ["MŽP", "Výzva 5/2017"], ["MPO", "Úspory energie"]]
    table = s2.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
    for r, row in enumerate(rows):
        for k, value in enumerate(row):
            table.cell(r, k).text = value
    prs.core_properties.title = "Financování"
    prs.save(str(HERE / "pptx_notes_groups_tables.pptx"))


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>Zápis z jednání</dc:title><meta:initial-creator>MMR</meta:initial-creator></office:meta>
 <office:styles>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"/>
 </office:styles>
 <office:automatic-styles><style:page-layout style:name="pm1"><style:header-style/><style:footer-style/></style:page-layout></office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>Ministerstvo pro místní rozvoj</text:p></style:header>
   <style:footer><text:p>Pracovní skupina Smart Cities</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
  <text:h text:style-name="Heading_20_1" text:outline-level="1">Zápis z jednání</text:h>
  <text:p>Jednání se konalo 7. 9. 2016<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>V budově MMR.</text:p></text:note-body></text:note> v Praze.</text:p>
  <table:table table:name="Ukoly">
   <table:table-column table:number-columns-repeated="2"/>
   <table:table-row><table:table-cell><text:p>Úkol</text:p></table:table-cell><table:table-cell><text:p>Odpovídá</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>Připravit metodiku</text:p></table:table-cell><table:table-cell><text:p>MMR</text:p></table:table-cell></table:table-row>
  </table:table>
  <text:p>Závěr jednání.</text:p>
 </office:text></office:body>
</office:document>
"""


def soffice_convert(src: Path, target: str, outdir: Path) -> Path:
    profile = (outdir / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    return outdir / f"{src.stem}.{target.split(':')[0]}"


def office_via_libreoffice() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        fodt = t / "docx_header_footnote_table.fodt"
        fodt.write_text(FODT, encoding="utf-8")
        shutil.copyfile(soffice_convert(fodt, "docx", t), HERE / "docx_header_footnote_table.docx")
        shutil.copyfile(soffice_convert(fodt, "odt", t), HERE / "odt_header_footnote_table.odt")
        docx = t / "legacy.docx"
        shutil.copyfile(HERE / "docx_header_footnote_table.docx", docx)
        shutil.copyfile(soffice_convert(docx, "doc", t), HERE / "legacy_word.doc")
        xlsx = t / "ods_title_row.xlsx"
        shutil.copyfile(HERE / "xlsx_title_row.xlsx", xlsx)
        shutil.copyfile(soffice_convert(xlsx, "ods", t), HERE / "ods_title_row.ods")
        pptx = t / "odp_notes_groups_tables.pptx"
        shutil.copyfile(HERE / "pptx_notes_groups_tables.pptx", pptx)
        shutil.copyfile(soffice_convert(pptx, "odp", t), HERE / "odp_notes_groups_tables.odp")


def xlsx_title_row() -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Výzvy"
    ws["A1"] = "Přehled aktuálních výzev v klíčových oblastech Smart Cities"
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["Poskytovatel", "Výzva", "Uzávěrka"])
    ws.append(["MŽP", "Výzva 5/2017", dt.datetime(2017, 4, 30)])
    ws.append(["MMR", "IROP 12", dt.datetime(2017, 6, 15)])
    ws2 = wb.create_sheet("Archiv")
    ws2.append(["Poskytovatel", "Částka"])
    ws2.append(["MPO", 1500000])
    wb.save(str(HERE / "xlsx_title_row.xlsx"))


def main() -> None:
    two_column_hyphenated()
    letter_spaced_heading()
    doubled_glyphs()
    mojibake_cp1250()
    running_headers()
    printed_page_labels()
    rotated_page()
    ruled_table()
    scanned_page()
    encrypted()
    many_pages()
    hostile_pdfs()
    texts()
    pptx_notes_groups_tables()
    xlsx_title_row()
    office_via_libreoffice()
    damaged_files()


if __name__ == "__main__":
    main()
