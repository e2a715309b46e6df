"""The app's one spreadsheet package: every workbook it writes or reads goes through here.

One job per module:
- ``cells``: typed cells; user text that a spreadsheet would take for a formula is text;
- ``download``: sending a workbook under a Vietnamese file name;
- ``reader``: reading uploaded workbooks as tables (imports);
- ``members``: the member register and its import template;
- ``metrics``: text widths in Times New Roman and wrapped line counts (row heights);
- ``pagination``: where a printer breaks a sheet's pages;
- ``stream``: sheets streamed row by row with styles made once per workbook;
- ``layout``: the Party document layout (header block, title, table, signature);
- ``awards``: the year-end award workbook; ``matrix``: the monthly matrix.
"""

from .awards import (
    AWARD_TITLE,
    CELL_COLUMNS,
    CELLS_SHEET,
    MEMBER_COLUMNS_AWARD,
    MEMBERS_SHEET,
    STANDINGS_SHEET,
    award_titles,
    award_workbook,
    standings_columns,
)
from .cells import (
    EXCEL_MAX_CELL_CHARS,
    FORMULA_TRIGGERS,
    XLSX_MIMETYPE,
    Column,
    add_sheet,
    clean_text,
    excel_value,
    looks_like_formula,
    new_workbook,
    ooxml_text,
    workbook_bytes,
    write_cell,
    write_lines,
    write_table,
)
from .download import ascii_filename, content_disposition, send_workbook
from .matrix import (
    MATRIX_FILLS,
    MATRIX_SHEET,
    MatrixRow,
    MatrixTable,
    matrix_table,
    matrix_workbook,
)
from .members import (
    MEMBER_COLUMNS,
    MEMBER_HEADERS,
    MEMBER_SHEET,
    NO,
    YES,
    MemberChoices,
    member_template,
    member_workbook,
)
from .metrics import (
    TABLE_ROW_HEIGHT,
    column_room,
    line_height,
    text_lines,
    text_width,
    units_for,
    wrapped_lines,
)
from .pagination import page_break_before, print_scale, printable_area
from .reader import (
    MAX_READ_COLUMNS,
    MAX_READ_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    RowError,
    SheetRow,
    SpreadsheetError,
    Table,
    TableSpec,
    check_archive,
    describe_value,
    header_key,
    read_table,
    rejected_rows_message,
)

__all__ = [
    "AWARD_TITLE",
    "CELLS_SHEET",
    "CELL_COLUMNS",
    "EXCEL_MAX_CELL_CHARS",
    "FORMULA_TRIGGERS",
    "MATRIX_FILLS",
    "MATRIX_SHEET",
    "MAX_READ_COLUMNS",
    "MAX_READ_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "MEMBERS_SHEET",
    "MEMBER_COLUMNS",
    "MEMBER_COLUMNS_AWARD",
    "MEMBER_HEADERS",
    "MEMBER_SHEET",
    "NO",
    "STANDINGS_SHEET",
    "TABLE_ROW_HEIGHT",
    "XLSX_MIMETYPE",
    "YES",
    "Column",
    "MatrixRow",
    "MatrixTable",
    "MemberChoices",
    "RowError",
    "SheetRow",
    "SpreadsheetError",
    "Table",
    "TableSpec",
    "add_sheet",
    "ascii_filename",
    "award_titles",
    "award_workbook",
    "check_archive",
    "clean_text",
    "column_room",
    "content_disposition",
    "describe_value",
    "excel_value",
    "header_key",
    "line_height",
    "looks_like_formula",
    "matrix_table",
    "matrix_workbook",
    "member_template",
    "member_workbook",
    "new_workbook",
    "ooxml_text",
    "page_break_before",
    "print_scale",
    "printable_area",
    "read_table",
    "rejected_rows_message",
    "send_workbook",
    "standings_columns",
    "text_lines",
    "text_width",
    "units_for",
    "workbook_bytes",
    "wrapped_lines",
    "write_cell",
    "write_lines",
    "write_table",
]
