"""The layout of a Party document in Word (Hướng dẫn 36-HD/VPTW, 2018), with python-docx.

Every Word document of the app is built from these steps, in order:

    doc = new_document()
    add_header_block(doc, header)        # superior body, issuing body, "*", number | ĐCSVN, date
    add_title(doc, "BÁO CÁO", "Sơ kết ...")
    add_section_heading / add_paragraph / add_table ...
    add_signature_block(doc, signature)  # "Nơi nhận:" | "T/M ĐẢNG ỦY", "BÍ THƯ", name
    data = document_bytes(doc)

A4, margins 20/20/30/15 mm, Times New Roman (body 14 pt), page numbers centred in the top
margin from page 2 on, tables whose header row repeats on every page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_SIZE = 14
HEADER_SIZE = 13
TABLE_SIZE = 12
RECIPIENT_SIZE = 12
SIGNING_FOR = "T/M ĐẢNG ỦY"
SIGNER_TITLE = "BÍ THƯ"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
DRAFT_MARK = "DỰ THẢO"  # as the award workbook of a year still open says it

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True)
class HeaderBlock:
    """What the top of the first page prints (the lines as they are, capitals applied here)."""

    superior_body: str  # "Đảng bộ huyện Cù Lao Dung"
    issuing_body: str  # "Đảng ủy thị trấn Cù Lao Dung"
    number_line: str  # "Số 12-BC/ĐU"
    place_line: str  # "Cù Lao Dung, ngày 05 tháng 01 năm 2023"
    draft: bool = False  # "DỰ THẢO" under the place line (a year not closed yet)


@dataclass(frozen=True)
class SignatureBlock:
    """"Nơi nhận" at the left (the printed lines, the archive last) and the signature."""

    recipients: Sequence[str]
    signer_name: str
    signing_for: str = SIGNING_FOR
    signer_title: str = SIGNER_TITLE


@dataclass(frozen=True)
class Column:
    """A column of a document table: its header, width (cm) and alignment of its cells."""

    header: str
    width_cm: float
    align: str = "left"


@dataclass
class TableStyle:
    size: float = TABLE_SIZE
    header_fill: str | None = "F2F2F2"
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# The document


def new_document(*, landscape: bool = False) -> Document:
    """An empty A4 document with the Party margins and Times New Roman as every style's font."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        _set_font(style.font, style.element, size=BODY_SIZE if style_name == "Normal" else None)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(6)
    normal.line_spacing = 1.15
    _page_numbers_from_page_two(section)
    return doc


def _set_font(font, element, *, size: float | None) -> None:
    """Times New Roman for every script (Word picks the east-Asian slot for some letters)."""
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def _page_numbers_from_page_two(section) -> None:
    """A centred PAGE field in the top margin; the first page shows none (HD 36)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_field(paragraph, "PAGE", size=BODY_SIZE)


def _add_field(paragraph, instruction: str, *, size: float) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(size)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def document_bytes(doc: Document, *, author: str = "", title: str = "") -> bytes:
    """The .docx file, with the committee as its author (not python-docx)."""
    properties = doc.core_properties
    properties.author = author
    properties.last_modified_by = author
    properties.title = title
    properties.comments = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Text


def add_text(
    doc_or_cell,
    text: str = "",
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: str = "justify",
    first_line_cm: float | None = None,
    space_before: float = 0,
    space_after: float = 6,
    keep_with_next: bool = False,
):
    """Add one paragraph (to the document or a table cell) and return it."""
    paragraph = doc_or_cell.add_paragraph()
    paragraph.alignment = ALIGN[align]
    layout = paragraph.paragraph_format
    layout.space_before = Pt(space_before)
    layout.space_after = Pt(space_after)
    layout.keep_with_next = keep_with_next
    if first_line_cm is not None:
        layout.first_line_indent = Cm(first_line_cm)
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        run.underline = underline
    return paragraph


def add_paragraph(
    doc, text: str, *, bold: bool = False, italic: bool = False, keep_with_next: bool = False
):
    """A body paragraph: 14 pt, justified, first line indented 1 cm."""
    return add_text(
        doc, text, bold=bold, italic=italic, first_line_cm=1.0, keep_with_next=keep_with_next
    )


def add_section_heading(doc, text: str):
    """A part's heading ("I. KẾT QUẢ ...") or a sub-heading ("1. Về ..."), kept with what follows."""
    return add_text(doc, text, bold=True, first_line_cm=1.0, space_before=6, keep_with_next=True)


def add_title(doc, kind: str, summary: str | Iterable[str]) -> None:
    """The document type in bold capitals (16 pt) and its summary line(s) in bold (14 pt)."""
    add_text(doc, kind.upper(), size=16, bold=True, align="center", space_before=12, space_after=0,
             keep_with_next=True)
    lines = [summary] if isinstance(summary, str) else list(summary)
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        add_text(doc, line, bold=True, align="center", space_after=3 if not last else 0,
                 keep_with_next=True)
    add_text(doc, "-----", align="center", space_after=12)


# --------------------------------------------------------------------------------------------
# The header block and the signature block


def _borderless_table(doc, widths_cm: Sequence[float]):
    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_widths(table, widths_cm)
    _clear_borders(table)
    return table


def _indent(table, cm: float) -> None:
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(int(Cm(cm).twips)))
    indent.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(indent)


def _clear_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _set_widths(table, widths_cm: Sequence[float]) -> None:
    """Fixed column widths that Word and LibreOffice both keep."""
    properties = table._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout"):
        for old in properties.findall(qn(tag)):
            properties.remove(old)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(int(sum(Cm(width).twips for width in widths_cm))))
    total.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(total)
    properties.append(layout)
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        column.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _first_paragraph(cell, text: str, **style):
    """Write into a fresh cell's existing empty paragraph, then add the others after it."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = ALIGN[style.pop("align", "center")]
    layout = paragraph.paragraph_format
    layout.space_before = Pt(0)
    layout.space_after = Pt(style.pop("space_after", 0))
    run = paragraph.add_run(text)
    run.font.size = Pt(style.pop("size", BODY_SIZE))
    run.bold = style.pop("bold", False)
    run.italic = style.pop("italic", False)
    run.underline = style.pop("underline", False)
    return paragraph


def _rule_under(paragraph) -> None:
    """A short rule under a line (as under "ĐẢNG CỘNG SẢN VIỆT NAM"): a bottom border."""
    properties = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    border.append(bottom)
    properties.append(border)


def add_header_block(doc, header: HeaderBlock, *, landscape: bool = False) -> None:
    """The top of the first page: issuing bodies and number at the left, the Party's name and
    the place and date at the right."""
    # A little wider than the text block (as printed documents do), so that the usual names,
    # the Party's name and the dated place line each keep to one line.
    widths = (10.5, 15.0) if landscape else (8.8, 9.0)
    table = _borderless_table(doc, widths)
    _indent(table, -0.8)
    left, right = table.rows[0].cells
    # The issuing bodies in 13 pt, as printed documents do: a district or city committee's
    # name then keeps to one line.
    _first_paragraph(left, header.superior_body.upper(), size=HEADER_SIZE)
    add_text(
        left, header.issuing_body.upper(), bold=True, size=HEADER_SIZE, align="center",
        space_after=0,
    )
    add_text(left, "*", align="center", space_after=0)
    add_text(left, header.number_line, size=HEADER_SIZE, align="center", space_after=0)
    party = _first_paragraph(right, PARTY_NAME, bold=True, size=15)
    # The rule is as long as the line of text: the paragraph is indented to the text's width.
    text_cm = 8.2
    indent = max((widths[1] - text_cm) / 2, 0)
    party.paragraph_format.left_indent = Cm(indent)
    party.paragraph_format.right_indent = Cm(indent)
    _rule_under(party)
    add_text(right, "", size=6, align="center", space_after=0)
    add_text(right, header.place_line, italic=True, align="center", space_after=0)
    if header.draft:
        add_text(right, DRAFT_MARK, bold=True, italic=True, align="center", space_after=0)
    add_text(doc, "", space_after=0)


def add_signature_block(doc, signature: SignatureBlock, *, landscape: bool = False) -> None:
    """"Nơi nhận:" and its recipients (12 pt) at the left; "T/M ĐẢNG ỦY", "BÍ THƯ", the name
    at the right. Kept on one page."""
    widths = (8.5, 12.0) if landscape else (7.8, 8.2)
    add_text(doc, "", space_after=0, keep_with_next=True)
    table = _borderless_table(doc, widths)
    _keep_rows_together(table)
    left, right = table.rows[0].cells
    _first_paragraph(left, "Nơi nhận:", bold=True, italic=True, underline=True,
                     size=RECIPIENT_SIZE, align="left")
    for line in signature.recipients:
        add_text(left, line, size=RECIPIENT_SIZE, align="left", space_after=0)
    _first_paragraph(right, signature.signing_for, bold=True)
    add_text(right, signature.signer_title, bold=True, align="center", space_after=0)
    for _ in range(3):
        add_text(right, "", align="center", space_after=0)
    add_text(right, signature.signer_name, bold=True, align="center", space_after=0)


def _keep_rows_together(table) -> None:
    for row in table.rows:
        properties = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        properties.append(cant_split)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------------------------
# Tables


def add_table(
    doc,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    style: TableStyle | None = None,
    kept_with_next: int = 0,
):
    """A bordered table whose header row repeats on every page and whose rows never split.

    Values are printed as given (numbers already formatted by the caller, in Vietnamese).
    The last ``kept_with_next`` rows stay on the page of what follows (a signature block is
    never on a page of its own: the award workbook keeps two rows with it too). A table never
    starts at the foot of a page with its header and a row alone: the header and the first
    row stay with the second.
    """
    style = style or TableStyle()
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, column in zip(header.cells, columns):
        _first_paragraph(cell, column.header, bold=True, size=style.size)
        if style.header_fill:
            _shade(cell, style.header_fill)
    for values in rows:
        row = table.add_row()
        _cant_split(row)
        for cell, column, value in zip(row.cells, columns, values):
            text = "" if value is None else str(value)
            lines = text.split("\n")
            _first_paragraph(cell, lines[0], size=style.size, align=column.align)
            for line in lines[1:]:
                add_text(cell, line, size=style.size, align=column.align, space_after=0)
    _set_widths(table, [column.width_cm for column in columns])
    leading = table.rows[:2] if len(table.rows) > 2 else []
    trailing = table.rows[1:][-kept_with_next:] if kept_with_next else []
    for row in [*leading, *trailing]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    return table


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
    _cant_split(row)


def _cant_split(row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)
