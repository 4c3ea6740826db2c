"""Build the sample corpus of the Working Group for Smart Cities from the text sources in corpus/src.

Run from the repository root:  .venv/bin/python corpus/build.py

Needs python-docx, python-pptx, openpyxl, Pillow, numpy, pyyaml, LibreOffice (soffice) with the Czech
hyphenation dictionary (Debian package hyphen-cs) and poppler-utils (pdftoppm).  Every output is
deterministic: OOXML zip entries get fixed timestamps, core properties carry the document date and PDF
dates and IDs are rewritten in place (same length, so the xref table stays valid).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import yaml
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from PIL import Image, ImageFilter
from pptx import Presentation
from pptx.dml.color import RGBColor as PptxRGB
from pptx.util import Emu
from pptx.util import Pt as PPt

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "src"
FONT = "Arial"
BLUE = RGBColor(0x1F, 0x3A, 0x68)
PPTX_BLUE = PptxRGB(0x1F, 0x3A, 0x68)

# ---------------------------------------------------------------------------------------------------------
# Text sources: Markdown-like files with YAML front matter.
#   # / ## / ###  headings        - item   bullet           | a | b |  table row (first row = header)
#   > text        boxed decision   ::: pagebreak             **bold** inline
# One line = one paragraph.
# ---------------------------------------------------------------------------------------------------------


def read_source(path: Path) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta: dict[str, Any] = yaml.safe_load(front)
    blocks: list[tuple[str, Any]] = []
    table: list[list[str]] | None = None
    for raw in body.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if table is None:
                table = []
                blocks.append(("table", table))
            table.append(cells)
            continue
        table = None
        if not line.strip():
            continue
        if line.startswith("### "):
            blocks.append(("h3", line[4:]))
        elif line.startswith("## "):
            blocks.append(("h2", line[3:]))
        elif line.startswith("# "):
            blocks.append(("h1", line[2:]))
        elif line.startswith("- "):
            blocks.append(("bullet", line[2:]))
        elif line.startswith("> "):
            blocks.append(("decision", line[2:]))
        elif line.strip() == "::: pagebreak":
            blocks.append(("pagebreak", None))
        else:
            blocks.append(("p", line))
    return meta, blocks


def add_runs(paragraph: Any, text: str, size: float | None = None, bold: bool = False) -> None:
    for i, part in enumerate(re.split(r"\*\*", text)):
        if not part:
            continue
        run = paragraph.add_run(part)
        run.bold = bold or (i % 2 == 1)
        if size:
            run.font.size = Pt(size)


def add_field(paragraph: Any, instr: str) -> None:
    """Insert a complex field (PAGE, NUMPAGES) with a placeholder result."""
    def piece(tag: str, **attrs: str) -> None:
        run = OxmlElement("w:r")
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        if tag == "w:instrText":
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        if tag == "w:t":
            el.text = "1"
        run.append(el)
        paragraph._p.append(run)

    piece("w:fldChar", **{"w:fldCharType": "begin"})
    piece("w:instrText")
    piece("w:fldChar", **{"w:fldCharType": "separate"})
    piece("w:t")
    piece("w:fldChar", **{"w:fldCharType": "end"})


def set_cell_shading(cell: Any, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def new_document(meta: dict[str, Any]) -> Any:
    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(meta.get("font_size", 11))
    normal.paragraph_format.space_after = Pt(6)
    # Czech as the default language (spell checking, hyphenation in LibreOffice).
    rpr = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "cs-CZ")
    lang.set(qn("w:eastAsia"), "cs-CZ")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)
    for name, size in (("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11.5), ("Title", 18)):
        st = styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.color.rgb = BLUE
        st.font.bold = True
        st.font.italic = False
    section = doc.sections[0]
    section.page_height = Cm(29.7)
    section.page_width = Cm(21.0)
    if meta.get("landscape"):
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(meta.get("margin_cm", 2.3)))
    section.top_margin = Cm(2.2)
    section.bottom_margin = Cm(2.0)

    header = section.header.paragraphs[0]
    header.text = ""
    add_runs(header, meta["header"], size=8.5)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if meta.get("footer_left"):
        run = footer.add_run(meta["footer_left"] + "   |   ")
        run.font.size = Pt(8.5)
    run = footer.add_run("Stránka ")
    run.font.size = Pt(8.5)
    add_field(footer, " PAGE ")
    run = footer.add_run(" z ")
    run.font.size = Pt(8.5)
    add_field(footer, " NUMPAGES ")

    core = doc.core_properties
    core.title = meta["title"]
    core.author = meta.get("author", "Ministerstvo pro místní rozvoj ČR")
    core.language = "cs-CZ"
    stamp = dt.datetime.combine(meta["date"], dt.time(14, 0))
    core.created = stamp
    core.modified = stamp
    core.last_modified_by = core.author
    core.revision = 1
    return doc


def add_table(doc: Any, rows: list[list[str]], widths: list[float] | None = None, size: float = 9.5) -> None:
    table = doc.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        cells = table.add_row().cells
        for c, value in enumerate(row):
            para = cells[c].paragraphs[0]
            para.paragraph_format.space_after = Pt(1)
            add_runs(para, value, size=size, bold=(r == 0))
            if r == 0:
                set_cell_shading(cells[c], "D9E2F3")
    if widths:
        table.autofit = False
        for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
            col.set(qn("w:w"), str(int(w * 567)))
        for row in table.rows:
            for c, w in enumerate(widths):
                row.cells[c].width = Cm(w)
    doc.add_paragraph()


def render_blocks(doc: Any, blocks: list[tuple[str, Any]], meta: dict[str, Any]) -> None:
    widths_by_cols = {len(w): w for w in meta.get("table_widths", [])}
    for kind, value in blocks:
        if kind == "h1":
            doc.add_heading(value, level=1)
        elif kind == "h2":
            doc.add_heading(value, level=2)
        elif kind == "h3":
            doc.add_heading(value, level=3)
        elif kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), value)
        elif kind == "decision":
            para = doc.add_paragraph()
            para.paragraph_format.left_indent = Cm(0.6)
            add_runs(para, value)
        elif kind == "pagebreak":
            doc.add_page_break()
        elif kind == "table":
            add_table(doc, value, widths_by_cols.get(len(value[0])), size=meta.get("table_font", 9.5))
        else:
            para = doc.add_paragraph()
            add_runs(para, value)
            if meta.get("justify"):
                para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def set_two_columns(section: Any) -> None:
    sect_pr = section._sectPr
    cols = sect_pr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        sect_pr.append(cols)
    cols.set(qn("w:num"), "2")
    cols.set(qn("w:space"), "567")


def enable_hyphenation(doc: Any) -> None:
    settings = doc.settings.element
    auto = OxmlElement("w:autoHyphenation")
    auto.set(qn("w:val"), "true")
    settings.insert(0, auto)
    zone = OxmlElement("w:hyphenationZone")
    zone.set(qn("w:val"), "284")
    settings.insert(1, zone)


def build_docx(src: Path, out_dir: Path) -> Path:
    meta, blocks = read_source(src)
    doc = new_document(meta)
    if meta.get("two_columns"):
        enable_hyphenation(doc)
        # Title block in one column, article text in two columns (a continuous section break).
        title_blocks = [b for b in blocks if b[0] == "h1"][:1]
        render_blocks(doc, title_blocks, meta)
        if meta.get("lead"):
            lead = doc.add_paragraph()
            add_runs(lead, meta["lead"], bold=True)
        from docx.enum.section import WD_SECTION

        # python-docx puts the new section's properties at the body end: the content before it is
        # the one-column part, whose sectPr is copied into the break paragraph.
        new_section = doc.add_section(WD_SECTION.CONTINUOUS)
        set_two_columns(new_section)
        render_blocks(doc, [b for b in blocks if b not in title_blocks], meta)
    else:
        if meta.get("info"):
            heading = doc.add_heading(meta["title"], level=0)
            heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
            rows = [[k, v] for k, v in meta["info"]]
            table = doc.add_table(rows=0, cols=2)
            for k, v in rows:
                cells = table.add_row().cells
                add_runs(cells[0].paragraphs[0], k, bold=True)
                add_runs(cells[1].paragraphs[0], v)
                cells[0].width = Cm(4.2)
                cells[1].width = Cm(12.2)
            table.autofit = False
            for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), (4.2, 12.2), strict=False):
                col.set(qn("w:w"), str(int(w * 567)))
            doc.add_paragraph()
        render_blocks(doc, blocks, meta)
    out = out_dir / f"{meta['file']}.docx"
    doc.save(str(out))
    normalize_ooxml(out, meta["date"])
    return out


# ---------------------------------------------------------------------------------------------------------
# Presentations
# ---------------------------------------------------------------------------------------------------------


def style_title(shape: Any, size: int) -> None:
    for para in shape.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = PPt(size)
            run.font.bold = True
            run.font.color.rgb = PPTX_BLUE
            run.font.name = FONT


def place(shape: Any, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def build_pptx(spec: dict[str, Any], out_dir: Path) -> Path:
    prs = Presentation()
    prs.slide_width = Emu(12192000)
    prs.slide_height = Emu(6858000)
    width = prs.slide_width
    # Title slide
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = spec["title"]
    place(slide.shapes.title, 600000, 1900000, width - 1200000, 1700000)
    style_title(slide.shapes.title, 34)
    sub = slide.placeholders[1]
    place(sub, 600000, 3800000, width - 1200000, 1500000)
    sub.text = spec["subtitle"]
    for para in sub.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = PPt(18)
            run.font.name = FONT
    if spec.get("title_notes"):
        slide.notes_slide.notes_text_frame.text = spec["title_notes"]
    for s in spec["slides"]:
        if "table" in s:
            slide = prs.slides.add_slide(prs.slide_layouts[5])
            slide.shapes.title.text = s["title"]
            place(slide.shapes.title, 600000, 300000, width - 1200000, 1000000)
            style_title(slide.shapes.title, 28)
            rows = s["table"]
            top = Emu(1600000)
            if s.get("bullets"):
                box = slide.shapes.add_textbox(Emu(600000), Emu(1300000), width - Emu(1200000), Emu(500000))
                box.text_frame.text = s["bullets"][0]
                box.text_frame.paragraphs[0].runs[0].font.size = PPt(16)
                top = Emu(1900000)
            shape = slide.shapes.add_table(len(rows), len(rows[0]), Emu(600000), top,
                                           width - Emu(1200000), Emu(400000 * len(rows)))
            tbl = shape.table
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = tbl.cell(r, c)
                    cell.text = str(value)
                    for para in cell.text_frame.paragraphs:
                        for run in para.runs:
                            run.font.size = PPt(13 if len(rows) < 8 else 11)
                            run.font.name = FONT
                            run.font.bold = r == 0
        else:
            slide = prs.slides.add_slide(prs.slide_layouts[1])
            slide.shapes.title.text = s["title"]
            place(slide.shapes.title, 600000, 300000, width - 1200000, 1000000)
            style_title(slide.shapes.title, 28)
            body = slide.placeholders[1]
            place(body, 600000, 1450000, width - 1200000, 4700000)
            tf = body.text_frame
            for i, item in enumerate(s.get("bullets", [])):
                level = 0
                while item.startswith("  "):
                    item = item[2:]
                    level += 1
                para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
                para.text = item
                para.level = level
                for run in para.runs:
                    run.font.size = PPt(20 if level == 0 else 17)
                    run.font.name = FONT
        # footer line with the institution and the meeting
        foot = slide.shapes.add_textbox(Emu(600000), Emu(6858000 - 450000), width - Emu(1200000),
                                        Emu(300000))
        foot.text_frame.text = spec["footer"]
        foot.text_frame.paragraphs[0].runs[0].font.size = PPt(10)
        foot.text_frame.paragraphs[0].runs[0].font.color.rgb = PptxRGB(0x60, 0x60, 0x60)
        if s.get("notes"):
            slide.notes_slide.notes_text_frame.text = s["notes"]
    core = prs.core_properties
    core.title = spec["title"]
    core.author = spec["author"]
    core.language = "cs-CZ"
    stamp = dt.datetime.combine(spec["date"], dt.time(9, 0))
    core.created = stamp
    core.modified = stamp
    core.last_modified_by = spec["author"]
    core.revision = 1
    out = out_dir / f"{spec['file']}.pptx"
    prs.save(str(out))
    normalize_ooxml(out, spec["date"])
    return out


# ---------------------------------------------------------------------------------------------------------
# Funding overview (XLSX)
# ---------------------------------------------------------------------------------------------------------

FUNDING_HEADER = ["Poskytovatel", "Program", "Výzva", "Oblast", "Alokace (mil. Kč)", "Příjem žádostí od",
                  "do", "Oprávnění žadatelé"]


def parse_cz_date(text: str) -> dt.date | str:
    m = re.fullmatch(r"(\d{1,2})\. ?(\d{1,2})\. ?(\d{4})", text.strip())
    if not m:
        return text
    return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))


def build_xlsx(src: Path, out_dir: Path) -> Path:
    spec = yaml.safe_load(src.read_text(encoding="utf-8"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec["sheet"]
    thin = Side(style="thin", color="808080")
    ws.append([spec["title"]])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FUNDING_HEADER))
    ws["A1"].font = Font(name=FONT, size=13, bold=True, color="1F3A68")
    ws.row_dimensions[1].height = 24
    ws.append(FUNDING_HEADER)
    for c in range(1, len(FUNDING_HEADER) + 1):
        cell = ws.cell(row=2, column=c)
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E2F3")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in spec["rows"]:
        values: list[Any] = list(row)
        values[4] = float(values[4]) if values[4] not in ("", None) else None
        values[5] = parse_cz_date(str(values[5]))
        values[6] = parse_cz_date(str(values[6]))
        ws.append(values)
        r = ws.max_row
        for c in range(1, len(FUNDING_HEADER) + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = Font(name=FONT, size=10)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            if isinstance(cell.value, dt.date):
                cell.number_format = "D. M. YYYY"
            if c == 5:
                cell.number_format = "#,##0.0"
    ws.append([])
    for note in spec.get("notes", []):
        ws.append([note])
        ws.cell(row=ws.max_row, column=1).font = Font(name=FONT, size=9, italic=True)
    for i, w in enumerate([12, 14, 48, 26, 11, 12, 12, 40], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    wb.properties.title = spec["title"]
    wb.properties.creator = "Ministerstvo pro místní rozvoj ČR"
    wb.properties.language = "cs-CZ"
    out = out_dir / f"{spec['file']}.xlsx"
    wb.save(str(out))
    normalize_ooxml(out, spec["date"])
    return out


# ---------------------------------------------------------------------------------------------------------
# Determinism helpers
# ---------------------------------------------------------------------------------------------------------


def normalize_ooxml(path: Path, date: dt.date) -> None:
    stamp = f"{date.isoformat()}T14:00:00Z"
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = blob.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)
                blob = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(date.year, date.month, date.day, 14, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, blob)
    path.write_bytes(out.getvalue())


def normalize_pdf(path: Path, date: dt.date) -> None:
    data = path.read_bytes()
    stamp = date.strftime("%Y%m%d") + "140000"

    def fix_date(m: re.Match[bytes]) -> bytes:
        old = m.group(2)
        new = (stamp.encode() + old[14:]) if len(old) >= 14 else old
        return m.group(1) + new

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})", fix_date, data)
    digest = hashlib.md5(path.name.encode() + stamp.encode()).hexdigest().upper().encode()

    def fix_id(m: re.Match[bytes]) -> bytes:
        a, b = m.group(2), m.group(4)
        return (m.group(1) + (digest * 4)[: len(a)] + m.group(3) + (digest * 4)[: len(b)] + m.group(5))

    data = re.sub(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>)", fix_id, data)
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]{32})", lambda m: m.group(1) + digest[:32], data)
    # XMP packet dates (if any): same-length replacement
    data = re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d{2}-\d{2})",
                  lambda m: m.group(1) + date.isoformat().encode(), data)
    path.write_bytes(data)


def soffice_pdf(files: list[Path], out_dir: Path) -> None:
    if not files:
        return
    profile = Path(tempfile.gettempdir()) / "scsearch_corpus_lo_profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
           "--outdir", str(out_dir), *[str(f) for f in files]]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    for f in files:
        pdf = out_dir / (f.stem + ".pdf")
        if not pdf.exists():
            raise RuntimeError(f"LibreOffice did not produce {pdf}")


# ---------------------------------------------------------------------------------------------------------
# Scanned (image-only) PDF
# ---------------------------------------------------------------------------------------------------------


def make_scan(pdf_in: Path, pdf_out: Path, date: dt.date, seed: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf_in), f"{tmp}/p"], check=True)
        pages = sorted(Path(tmp).glob("p*.png"))
        rng = np.random.RandomState(seed)
        images: list[Image.Image] = []
        for i, png in enumerate(pages):
            img = Image.open(png).convert("L")
            angle = [0.8, -0.6, 0.5][i % 3]
            img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
            arr = np.asarray(img, dtype=np.float64)
            arr = arr * 0.93 + 12 + rng.normal(0, 9, arr.shape)  # toner grey + sensor noise
            specks = rng.random_sample(arr.shape) < 0.0008
            arr[specks] = 40
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
            img = img.filter(ImageFilter.GaussianBlur(0.5))
            images.append(img)
        stamp = dt.datetime.combine(date, dt.time(10, 30)).timetuple()
        images[0].save(pdf_out, "PDF", resolution=150.0, save_all=True, append_images=images[1:],
                       creationDate=stamp, modDate=stamp, producer="Scanner",
                       creator="Scanner")


# ---------------------------------------------------------------------------------------------------------


def main() -> int:
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        print("Chybí LibreOffice (soffice) nebo poppler-utils (pdftoppm).", file=sys.stderr)
        return 2
    dirs = {name: ROOT / name for name in ("zapisy", "prezentace", "financovani", "ostatni")}
    for d in dirs.values():
        d.mkdir(exist_ok=True)
    dates: dict[Path, dt.date] = {}
    to_pdf: dict[Path, list[Path]] = {d: [] for d in dirs.values()}

    # Minutes, plan, methodology, funding overview in PDF, invitation (to be scanned)
    for src in sorted((SRC / "docs").glob("*.md")):
        meta, _ = read_source(src)
        target = dirs[meta["folder"]]
        if meta.get("scan"):
            tmp_dir = Path(tempfile.mkdtemp())
            out = build_docx(src, tmp_dir)
            soffice_pdf([out], tmp_dir)
            make_scan(tmp_dir / (out.stem + ".pdf"), target / (out.stem + ".pdf"), meta["date"])
            shutil.rmtree(tmp_dir)
            continue
        out = build_docx(src, target)
        dates[out] = meta["date"]
        if meta.get("pdf", True):
            to_pdf[target].append(out)

    for src in sorted((SRC / "prezentace").glob("*.yaml")):
        spec = yaml.safe_load(src.read_text(encoding="utf-8"))
        out = build_pptx(spec, dirs["prezentace"])
        dates[out] = spec["date"]
        to_pdf[dirs["prezentace"]].append(out)

    for src in sorted((SRC / "financovani").glob("*.yaml")):
        build_xlsx(src, dirs["financovani"])

    for src in sorted((SRC / "html").glob("*.html")):
        shutil.copyfile(src, dirs["ostatni"] / src.name)
    for src in sorted((SRC / "txt").glob("*.txt")):
        # A press release saved by an older Windows editor: cp1250, CRLF line ends.
        text = src.read_text(encoding="utf-8").replace("\n", "\r\n")
        (dirs["ostatni"] / src.name).write_bytes(text.encode("cp1250"))

    for out_dir, files in to_pdf.items():
        soffice_pdf(files, out_dir)
        for f in files:
            normalize_pdf(out_dir / (f.stem + ".pdf"), dates[f])

    # Documents published only as PDF: drop the DOCX original.
    for src in sorted((SRC / "docs").glob("*.md")):
        meta, _ = read_source(src)
        if meta.get("pdf_only"):
            (dirs[meta["folder"]] / f"{meta['file']}.docx").unlink()
    print("Korpus sestaven:", sum(1 for p in ROOT.rglob("*") if p.is_file() and p.parent.name in
                                    {"zapisy", "prezentace", "financovani", "ostatni"}), "souborů")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
