"""Exports of a ReportTable, each read back: openpyxl for XLSX, html.parser for HTML, a small RTF reader,
csv and json. Pure functions over hand-built tables: no database."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _, current_language, fmt_datetime, set_language
from crmterm.services.reports.exports import FORMATS, write_report
from crmterm.services.reports.report_table import Column, ColumnKind, ReportTable, Total

CYRILLIC = "Жалоба на связь «Ёлка»"
MARKUP = "<b>x</b> & <script>alert(1)</script>"
RTF_LIKE = r"{\rtf1 \b bold} back\slash \'e9 \u1234?"
FORMULA = "=HYPERLINK(\"http://evil\")"
TITLE = "Обращения по темам <script>"
PARAMS = {"Период": "01.03.2024 — 31.03.2024", "Очередь <L1>": "{VIP} \\ & <b>"}
LABELS = ["Тема <i>", "Количество", "Среднее", "Доля", "Медиана, ч", "Дата", "Последнее"]
AT_1, AT_2 = datetime(2024, 3, 1, 9, 30), datetime(2024, 3, 2, 18, 5)


def make_table(*, rows: bool = True, totals: bool = True) -> ReportTable:
    kinds = [(ColumnKind.TEXT, Total.LABEL), (ColumnKind.INT, Total.SUM), (ColumnKind.FLOAT, Total.SUM),
             (ColumnKind.PERCENT, Total.NONE), (ColumnKind.HOURS, Total.NONE), (ColumnKind.DATE, Total.NONE),
             (ColumnKind.DATETIME, Total.NONE)]
    keys = ["topic", "count", "avg", "share", "hours", "day", "at"]
    columns = [Column(key, label, kind, total) for key, label, (kind, total) in zip(keys, LABELS, kinds)]
    data = [
        [CYRILLIC, 1234, 2.5, 0.42, 1.25, date(2024, 3, 1), AT_1],
        [MARKUP, 7, 0.125, 0.05, 0.0, date(2024, 3, 2), AT_2],
        [RTF_LIKE, 0, None, None, None, None, None],
        [FORMULA, 1, 1.0, 1.0, 100.0, date(2024, 3, 3), AT_2],
    ]
    return ReportTable(name="topics", title=TITLE, params=dict(PARAMS), columns=columns,
                       rows=data if rows else [], totals=[None, 1242, 3.625, None, None, None, None] if totals else None)


def shown_rows() -> list[list[str]]:
    """What a reader sees in HTML and RTF in English."""
    return [
        [CYRILLIC, "1,234", "2.5", "42.0\xa0%", "1.3", "Mar 1, 2024", fmt_datetime(AT_1)],
        [MARKUP, "7", "0.13", "5.0\xa0%", "0.0", "Mar 2, 2024", fmt_datetime(AT_2)],
        [RTF_LIKE, "0", "", "", "", "", ""],
        [FORMULA, "1", "1", "100.0\xa0%", "100.0", "Mar 3, 2024", fmt_datetime(AT_2)],
    ]


SHOWN_TOTALS = ["Total", "1,242", "3.63", "", "", "", ""]


@pytest.fixture(autouse=True)
def english():
    previous = current_language()
    set_language("en")
    yield
    set_language(previous)


def export(tmp_path: Path, fmt: str, table: ReportTable | None = None) -> Path:
    out = tmp_path / f"report.{fmt}"
    write_report(make_table() if table is None else table, fmt, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temp file left behind
    return out


def test_formats_are_the_five_of_the_cli_contract():
    assert FORMATS == ("xlsx", "html", "rtf", "csv", "json")


# --- XLSX ------------------------------------------------------------------------------------------------

def test_xlsx_has_typed_cells_with_number_formats(tmp_path):
    sheet = openpyxl.load_workbook(export(tmp_path, "xlsx")).active
    assert sheet["A1"].value == TITLE and sheet["A1"].font.b
    assert [sheet["A2"].value, sheet["A3"].value] == [f"{k}: {v}" for k, v in PARAMS.items()]
    header = [c.value for c in sheet[5]]
    assert header == LABELS
    first = sheet[6]
    assert [c.value for c in first] == [CYRILLIC, 1234, 2.5, 0.42, 1.25, datetime(2024, 3, 1), AT_1]
    assert [c.number_format for c in first] == ["General", "#,##0", "#,##0.00", "0.0%", "0.0",
                                                "yyyy-mm-dd", "yyyy-mm-dd hh:mm"]
    assert [c.data_type for c in first] == ["s", "n", "n", "n", "n", "d", "d"]
    assert [c.value for c in sheet[8]] == [RTF_LIKE, 0, None, None, None, None, None]


def test_xlsx_keeps_markup_and_formulas_as_plain_strings(tmp_path):
    sheet = openpyxl.load_workbook(export(tmp_path, "xlsx")).active
    assert (sheet["A7"].value, sheet["A7"].data_type) == (MARKUP, "s")
    assert (sheet["A9"].value, sheet["A9"].data_type) == (FORMULA, "s")


def test_xlsx_header_is_bold_filled_frozen_and_filtered_and_totals_are_bold(tmp_path):
    sheet = openpyxl.load_workbook(export(tmp_path, "xlsx")).active
    assert all(c.font.b and c.fill.fgColor.rgb == "FFDCE6F1" for c in sheet[5])
    assert sheet.freeze_panes == "A6"
    assert sheet.auto_filter.ref == "A5:G9"  # the data rows only: sorting leaves the totals at the bottom
    totals = sheet[10]
    assert [c.value for c in totals] == ["Total", 1242, 3.625, None, None, None, None]
    assert all(c.font.b for c in totals)
    assert sheet.max_row == 10


def test_xlsx_column_widths_follow_the_content(tmp_path):
    sheet = openpyxl.load_workbook(export(tmp_path, "xlsx")).active
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert all(6 <= width <= 62 for width in widths.values())
    assert widths["A"] >= len(MARKUP) and widths["A"] > widths["D"]


def test_xlsx_accepts_aware_datetimes_and_an_empty_table(tmp_path):
    table = make_table(rows=False, totals=False)
    table.rows = [[None, None, None, None, None, None, datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)]]
    sheet = openpyxl.load_workbook(export(tmp_path, "xlsx", table)).active
    assert sheet["G6"].value == AT_1
    assert sheet.auto_filter.ref == "A5:G6"


# --- HTML ------------------------------------------------------------------------------------------------

class _Page(HTMLParser):
    """Collects what a browser would show: title, params, and the report table's cells by section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, str] = {}
        self.sections: dict[str, list[list[tuple[str, str | None]]]] = {"thead": [], "tbody": [], "tfoot": []}
        self._open: list[str] = []
        self._row: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None
        self._cell_class: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)
        if tag in ("td", "th"):
            self._cell, self._cell_class = [], dict(attrs).get("class")
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        self._open.pop()
        if tag in ("td", "th"):
            self._row.append(("".join(self._cell), self._cell_class))
            self._cell = None
        elif tag == "tr":
            section = next(t for t in reversed(self._open) if t in self.sections)
            self.sections[section].append(self._row)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._open and self._open[-1] in ("title", "h1", "dt", "dd"):
            self.texts.setdefault(self._open[-1], "")
            if self._open[-1] in ("dt", "dd"):
                self.texts[self._open[-1]] += data + "|"
            else:
                self.texts[self._open[-1]] += data


def read_html(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def cell_texts(page: _Page, section: str) -> list[list[str]]:
    return [[text for text, _class in row] for row in page.sections[section]]


def test_html_cells_equal_the_table_with_cyrillic_and_markup_as_text(tmp_path):
    page = read_html(export(tmp_path, "html"))
    assert cell_texts(page, "thead") == [LABELS]
    assert cell_texts(page, "tbody") == shown_rows()
    assert cell_texts(page, "tfoot") == [SHOWN_TOTALS]
    assert page.texts["title"] == TITLE and page.texts["h1"] == TITLE
    assert page.texts["dt"] == "".join(f"{k}|" for k in PARAMS)
    assert page.texts["dd"] == "".join(f"{v}|" for v in PARAMS.values())


def test_html_escapes_user_markup_and_right_aligns_numbers(tmp_path):
    out = export(tmp_path, "html")
    page = read_html(out)
    assert [tag for tag, _attrs in page.tags if tag in ("script", "b", "i")] == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.read_text(encoding="utf-8")
    classes = [cls for _text, cls in page.sections["tbody"][0]]
    assert classes == [None, "num", "num", "num", "num", None, None]


def test_html_is_self_contained_printable_and_declares_charset_and_language(tmp_path):
    out = export(tmp_path, "html")
    source, page = out.read_text(encoding="utf-8"), read_html(out)
    assert ("meta", {"charset": "utf-8"}) in page.tags
    assert page.tags[0] == ("html", {"lang": "en"})
    assert "@media print" in source
    assert not re.search(r"<link|<img|src=|url\(|@import", source)


def test_html_of_an_empty_report_says_so(tmp_path):
    page = read_html(export(tmp_path, "html", make_table(rows=False, totals=False)))
    assert page.sections["tbody"] == [[("No data", "empty")]]
    assert page.sections["tfoot"] == []


def test_html_follows_the_current_language(tmp_path):
    set_language("ru")
    page = read_html(export(tmp_path, "html"))
    assert page.tags[0] == ("html", {"lang": "ru"})
    assert page.sections["tbody"][0][1:5] == [("1\xa0234", "num"), ("2,5", "num"), ("42,0\xa0%", "num"),
                                              ("1,3", "num")]
    assert page.sections["tfoot"][0][0] == (_("Total"), None)


# --- RTF -------------------------------------------------------------------------------------------------

_RTF_TOKEN = re.compile(r"\\([a-z]+)(-?\d+)? ?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])|[\r\n]+|([^\\{}\r\n]+)", re.I)
_SKIPPED_DESTINATIONS = {"fonttbl", "colortbl", "info", "stylesheet", "*"}


def read_rtf(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Non-empty paragraphs outside the table, and the table's rows of cell texts. Understands what
    readers rely on: groups, skipped destinations, \\uN with \\uc1 fallback, \\'hh, escaped symbols."""
    groups, text, paragraphs, rows, cells, skip_fallback = [False], [], [], [], [], 0
    for match in _RTF_TOKEN.finditer(data.decode("ascii")):
        word, number, hexa, symbol, brace, plain = match.groups()
        starts_group = groups[-1] is None
        if brace == "{":
            groups.append(None if not groups[-1] else True)  # None: first token decides whether to skip
            continue
        if brace == "}":
            groups.pop()
            assert groups, "unbalanced braces"
            continue
        if starts_group:
            groups[-1] = (word or symbol) in _SKIPPED_DESTINATIONS
        if groups[-1]:
            continue
        if hexa or plain:
            chars = bytes.fromhex(hexa).decode("cp1252") if hexa else plain
            chars, skip_fallback = chars[skip_fallback:], max(0, skip_fallback - len(chars))
            text.append(chars)
        elif word == "u":
            text.append(chr(int(number) % 65536))
            skip_fallback = 1
        elif symbol:
            text.append({"~": "\xa0"}.get(symbol, symbol))
        elif word in ("par", "cell", "line", "tab"):
            if word == "line" or word == "tab":
                text.append("\n" if word == "line" else "\t")
                continue
            (paragraphs if word == "par" else cells).append("".join(text))
            text = []
        elif word == "row":
            rows.append(cells)
            cells = []
    assert groups == [False], "unbalanced braces"
    return [p for p in paragraphs if p], rows


def test_rtf_is_ascii_with_balanced_braces_and_intact_cyrillic_cells(tmp_path):
    data = export(tmp_path, "rtf").read_bytes()
    assert data.startswith(b"{\\rtf1\\ansi") and data.isascii()
    paragraphs, rows = read_rtf(data)
    assert paragraphs == [TITLE] + [f"{k}: {v}" for k, v in PARAMS.items()]
    assert rows == [LABELS] + shown_rows() + [SHOWN_TOTALS]


def test_rtf_user_text_cannot_inject_control_words(tmp_path):
    table = make_table(rows=False, totals=False)
    table.rows = [["}\\par}{\\rtf1 x\r\nnext\tline", *[None] * 6]]
    paragraphs, rows = read_rtf(export(tmp_path, "rtf", table).read_bytes())
    assert rows[1][0] == "}\\par}{\\rtf1 x\nnext line"
    assert paragraphs == [TITLE] + [f"{k}: {v}" for k, v in PARAMS.items()]


def test_rtf_marks_the_header_to_repeat_and_turns_wide_tables_to_landscape(tmp_path):
    source = export(tmp_path, "rtf").read_text(encoding="ascii")
    assert source.count("\\trhdr") == 1 and "\\landscape" in source and "\\deflang1033" in source


def test_rtf_tells_word_processors_the_language(tmp_path):
    set_language("ru")
    assert "\\deflang1049" in export(tmp_path, "rtf").read_text(encoding="ascii")


def test_rtf_of_an_empty_report_says_so(tmp_path):
    paragraphs, rows = read_rtf(export(tmp_path, "rtf", make_table(rows=False, totals=False)).read_bytes())
    assert rows == [LABELS] and paragraphs[-1] == "No data"


# --- CSV and JSON ----------------------------------------------------------------------------------------

def test_csv_has_a_bom_and_raw_values(tmp_path):
    data = export(tmp_path, "csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [
        LABELS,
        [CYRILLIC, "1234", "2.5", "0.42", "1.25", "2024-03-01", "2024-03-01T09:30:00"],
        [MARKUP, "7", "0.125", "0.05", "0.0", "2024-03-02", "2024-03-02T18:05:00"],
        [RTF_LIKE, "0", "", "", "", "", ""],
        [FORMULA, "1", "1.0", "1.0", "100.0", "2024-03-03", "2024-03-02T18:05:00"],
        ["Total", "1242", "3.625", "", "", "", ""],
    ]


def test_json_has_columns_records_and_totals(tmp_path):
    document = json.loads(export(tmp_path, "json").read_text(encoding="utf-8"))
    assert (document["name"], document["title"], document["params"]) == ("topics", TITLE, PARAMS)
    assert document["columns"][3] == {"key": "share", "label": "Доля", "kind": "percent"}
    assert document["rows"][0] == {"topic": CYRILLIC, "count": 1234, "avg": 2.5, "share": 0.42, "hours": 1.25,
                                   "day": "2024-03-01", "at": "2024-03-01T09:30:00"}
    assert document["rows"][2]["avg"] is None
    assert document["totals"] == {"topic": "Total", "count": 1242, "avg": 3.625, "share": None, "hours": None,
                                  "day": None, "at": None}

def test_json_keeps_cyrillic_readable(tmp_path):
    assert CYRILLIC in export(tmp_path, "json").read_text(encoding="utf-8")  # ensure_ascii=False


def test_json_turns_decimals_into_numbers_and_nan_into_null(tmp_path):
    table = make_table(rows=False, totals=False)
    table.rows = [[None, Decimal("5"), Decimal("2.50"), float("nan"), float("inf"), None, None]]
    document = json.loads(export(tmp_path, "json", table).read_text(encoding="utf-8"))
    assert document["rows"][0]["count"] == 5 and document["rows"][0]["avg"] == 2.5
    assert document["rows"][0]["share"] is None and document["rows"][0]["hours"] is None
    assert document["totals"] is None


# --- errors ----------------------------------------------------------------------------------------------

def test_unknown_format_is_a_validation_error_and_writes_nothing(tmp_path):
    with pytest.raises(ValidationError) as raised:
        write_report(make_table(), "pdf", tmp_path / "report.pdf")
    assert raised.value.field == "format" and "xlsx" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_folder_is_a_clear_error(tmp_path, fmt):
    out = tmp_path / "missing" / f"report.{fmt}"
    with pytest.raises(CrmError, match="cannot write .*missing"):
        write_report(make_table(), fmt, out)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_temp_file_and_keeps_the_old_report(tmp_path, monkeypatch):
    out = tmp_path / "report.csv"
    out.write_text("old", encoding="utf-8")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(CrmError, match="No space left on device"):
        write_report(make_table(), "csv", out)
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"] and out.read_text(encoding="utf-8") == "old"


def test_a_folder_in_the_way_is_a_clear_error(tmp_path):
    (tmp_path / "report.html").mkdir()
    with pytest.raises(CrmError, match="cannot write"):
        write_report(make_table(), "html", tmp_path / "report.html")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_an_existing_report_is_replaced_and_the_format_name_is_case_insensitive(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    write_report(make_table(), "JSON", out)
    assert json.loads(out.read_text(encoding="utf-8"))["name"] == "topics"


def test_screens_show_hours_as_durations_with_units_and_exports_keep_numbers():
    """Issue 19: "3.5" read as a bare number; the Reports tab and the CLI's table say "3:30" or "1d 03h" in
    the user's language (not capped at 99 days: a report's time is a finding), under a unit-less heading."""
    from crmterm.services.reports.exports_values import data_value, screen_value

    assert screen_value(ColumnKind.HOURS, 3.5) == "3:30"
    assert screen_value(ColumnKind.HOURS, Decimal("27.25")) == "1d 03h"
    assert screen_value(ColumnKind.HOURS, 150 * 24) == "150d"
    assert screen_value(ColumnKind.HOURS, None) == "" and screen_value(ColumnKind.INT, 1200) == "1,200"
    assert data_value(ColumnKind.HOURS, 3.5) == 3.5
    try:
        set_language("ru")
        assert screen_value(ColumnKind.HOURS, 27.25) == "1 д. 03 ч"
    finally:
        set_language("en")
    column = Column("median_hours", "Median time to close, h", ColumnKind.HOURS, heading="Median time to close")
    assert (column.shown_heading, Column("n", "Inquiries").shown_heading) == ("Median time to close", "Inquiries")
