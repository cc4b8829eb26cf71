"""Printable PDFs (reportlab): a title, the classification marking on every page, and
sections of paragraphs and tables. Cyrillic needs a TrueType font: DejaVu Sans from the
system (Debian's fonts-dejavu-core) or the copy matplotlib ships."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]


class FontMissing(RuntimeError):
    pass


@cache
def _fonts() -> tuple[str, str]:
    dirs = list(FONT_DIRS)
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    for d in dirs:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("PhxSans", str(regular)))
            pdfmetrics.registerFont(TTFont("PhxSans-Bold", str(bold)))
            return "PhxSans", "PhxSans-Bold"
    raise FontMissing("no DejaVu Sans font found: install Debian's fonts-dejavu-core")


FONT_SIZE = 10  # the body's, and a table's where its words fit (a header's is bold)
TABLE_SIZES = (10.0, 9.0, 8.0, 7.0)  # a table's font, the largest whose words all fit
CELL_PADDING = 8.0  # a table cell's padding, left and right (4 each)
TEXT_WIDTH = A4[0] - 2 * inch  # the page's width inside SimpleDocTemplate's margins


def text_width(text: str, bold: bool = False, size: float = FONT_SIZE) -> float:
    """The width of `text` on one line in a table's font, in points."""
    regular, heavy = _fonts()
    return float(stringWidth(text, heavy if bold else regular, size))


def column_widths(rows: Sequence[Sequence[Any]], available: float = TEXT_WIDTH,
                  size: float = FONT_SIZE) -> list[float] | None:
    """Each column's width: at least its longest word's (the header's in bold), so that no
    word is cut in two; the rest of `available` to the columns by how much longer their
    longest text is than that. None: the longest words alone are wider than the page."""
    least = [0.0] * len(rows[0])
    whole = [0.0] * len(rows[0])
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            text = str(cell)
            words = text.split() or [""]
            least[j] = max(least[j], max(text_width(w, i == 0, size) for w in words)
                           + CELL_PADDING)
            whole[j] = max(whole[j], text_width(text, i == 0, size) + CELL_PADDING)
    if sum(least) > available:
        return None
    spare = available - sum(least)
    more = [w - m for w, m in zip(whole, least, strict=True)]
    if sum(more) <= 0:
        return [m + spare / len(least) for m in least]
    return [m + spare * x / sum(more) for m, x in zip(least, more, strict=True)]


def table_layout(rows: Sequence[Sequence[Any]], available: float = TEXT_WIDTH
                 ) -> tuple[float, list[float] | None]:
    """A table's font size and its columns' widths: the largest size of `TABLE_SIZES` at
    which every word fits its column; a table too wide even at the smallest is printed at
    it in even columns, its longest words cut."""
    for size in TABLE_SIZES:
        if (widths := column_widths(rows, available, size)) is not None:
            return size, widths
    return TABLE_SIZES[-1], None


@dataclass
class Section:
    heading: str
    paragraphs: Sequence[str] = ()
    table: Sequence[Sequence[Any]] | None = None  # first row: the header
    preformatted: str | None = None
    images: Sequence[bytes] = ()  # PNG charts


@dataclass
class PdfDocument:
    title: str
    marking: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    exercise: bool = False
    exercise_label: str = "EXERCISE"  # the banner's word, in the reader's language


def render(doc: PdfDocument) -> bytes:
    regular, bold = _fonts()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=regular,
                          fontSize=FONT_SIZE, leading=13)
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontName=bold, fontSize=16, leading=20)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontName=bold, fontSize=12)
    mono = ParagraphStyle("mono", parent=body, fontSize=8.5, leading=11)
    head = ParagraphStyle("head", parent=body, fontName=bold, textColor=colors.white)
    banner = doc.marking + (f"  ·  {doc.exercise_label}" if doc.exercise else "")

    def decorate(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(bold, 9)
        canvas.setFillColor(colors.HexColor("#8b0000"))
        w, h = A4
        canvas.drawCentredString(w / 2, h - 12 * mm, banner)
        canvas.drawCentredString(w / 2, 10 * mm, banner)
        canvas.setFillColor(colors.grey)
        canvas.setFont(regular, 8)
        canvas.drawRightString(w - 18 * mm, 10 * mm, f"{canvas.getPageNumber()}")
        canvas.restoreState()

    story: list[Any] = [Paragraph(escape(doc.title), h1)]
    if doc.subtitle:
        story.append(Paragraph(escape(doc.subtitle), body))
    for s in doc.sections:
        story += [Spacer(1, 4 * mm), Paragraph(escape(s.heading), h2)]
        story += [Paragraph(escape(p), body) for p in s.paragraphs]
        if s.preformatted:
            story += [Paragraph(escape(line) or "&nbsp;", mono)
                      for line in s.preformatted.splitlines()]
        for png in s.images:
            img = Image(io.BytesIO(png))
            scale = min(1.0, (A4[0] - 40 * mm) / img.drawWidth)
            img.drawWidth, img.drawHeight = img.drawWidth * scale, img.drawHeight * scale
            story.append(img)
        if s.table:
            size, widths = table_layout(s.table)
            cell = ParagraphStyle("cell", parent=body, fontSize=size, leading=size * 1.3)
            top = ParagraphStyle("top", parent=head, fontSize=size, leading=size * 1.3)
            data = [[Paragraph(escape(str(c)), top if i == 0 else cell) for c in row]
                    for i, row in enumerate(s.table)]
            table = Table(data, repeatRows=1, colWidths=widths)
            table.setStyle(TableStyle([
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f2a44")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=doc.title, topMargin=20 * mm,
                      bottomMargin=18 * mm).build(story, onFirstPage=decorate,
                                                  onLaterPages=decorate)
    return out.getvalue()
