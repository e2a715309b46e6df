"""The Word layout every Party document shares (Hướng dẫn 36-HD/VPTW), read back with
python-docx."""

import io

from docx import Document
from docx.oxml.ns import qn

from tracker.documents.party import (
    Column,
    HeaderBlock,
    SignatureBlock,
    add_header_block,
    add_signature_block,
    add_table,
    add_title,
    document_bytes,
    new_document,
)

HEADER = HeaderBlock(
    "Đảng bộ thành phố Cần Thơ", "Đảng ủy xã An Thạnh", "Số 12-BC/ĐU",
    "An Thạnh, ngày 05 tháng 01 năm 2027",
)
SIGNATURE = SignatureBlock(["- Các chi bộ trực thuộc,", "- Lưu Văn phòng Đảng ủy."], "Nguyễn Văn An")


def build() -> Document:
    doc = new_document()
    add_header_block(doc, HEADER)
    add_title(doc, "Báo cáo", "Sơ kết thi đua năm 2026")
    add_table(doc, [Column("STT", 1.2, "center"), Column("Tên chi bộ", 6)],
              [(n, f"Chi bộ ấp {n}") for n in range(1, 60)])
    add_signature_block(doc, SIGNATURE)
    return Document(io.BytesIO(document_bytes(doc, author="Đảng ủy xã An Thạnh")))


def texts(container) -> list[str]:
    return [p.text for p in container.paragraphs if p.text]


def test_the_header_block_prints_the_bodies_the_number_and_the_dated_place():
    doc = build()
    left, right = doc.tables[0].rows[0].cells
    assert texts(left) == ["ĐẢNG BỘ THÀNH PHỐ CẦN THƠ", "ĐẢNG ỦY XÃ AN THẠNH", "*", "Số 12-BC/ĐU"]
    assert left.paragraphs[1].runs[0].bold
    assert texts(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "An Thạnh, ngày 05 tháng 01 năm 2027"]
    assert right.paragraphs[-1].runs[0].italic
    title = texts(doc)[:2]
    assert title == ["BÁO CÁO", "Sơ kết thi đua năm 2026"]


def test_a4_with_the_party_margins_times_new_roman_and_page_numbers_from_page_two():
    doc = build()
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm) for margin in margins] == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert section.different_first_page_header_footer
    instructions = [e.text for e in section.header._element.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    assert doc.core_properties.author == "Đảng ủy xã An Thạnh"


def test_a_table_repeats_its_header_row_and_never_splits_a_row():
    table = build().tables[1]
    assert len(table.rows) == 60
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert [c.text for c in table.rows[1].cells] == ["1", "Chi bộ ấp 1"]


def test_the_signature_block_signs_for_the_committee_beside_the_recipients():
    doc = build()
    left, right = doc.tables[-1].rows[0].cells
    assert texts(left) == ["Nơi nhận:", "- Các chi bộ trực thuộc,", "- Lưu Văn phòng Đảng ủy."]
    assert texts(right) == ["T/M ĐẢNG ỦY", "BÍ THƯ", "Nguyễn Văn An"]
