"""Values for the spreadsheets Hotline hands out (the ticket export, the reports' .xlsx) and for the
CSV its commands print: text that people wrote, written so that a spreadsheet shows it and never
runs it, and without the characters openpyxl refuses.

A cell or a field that begins with "=", "+", "-", "@", a tab or a carriage return is read as a
formula by Excel, WPS and LibreOffice when typed or read from CSV: =HYPERLINK("http://…?"&A2) sends
the sheet's data away when clicked, a DDE formula starts a program (OWASP: CSV Injection).
"""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append `values` as a row of an openpyxl sheet (write-only or not). Every text is a string
    cell, whatever it begins with, without the C0 control characters openpyxl refuses (mail and
    imported tables still bring them in, and rows stored before the API refused them hold them);
    numbers, dates and None are written as they are, typed."""
    sheet.append([_cell(sheet, value) for value in values])


def _cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not (text.startswith(FORMULA_STARTS) or text in ERROR_CODES):
        return text  # openpyxl makes any other text a string cell itself
    # A string cell rather than OWASP's apostrophe in front: an .xlsx cell has a type, and no
    # spreadsheet evaluates one typed as a string, so the cell holds exactly what was written (an
    # address "-1层", a title "=…") for searching, sorting and reading back. openpyxl alone would
    # type "=…" a formula and "#N/A" an error. The quote prefix is what Excel sets for a typed
    # apostrophe: the text stays text when someone edits the cell.
    cell = Cell(sheet, row=1, column=1, value=text)  # the sheet's append places it
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def csv_field(text: str) -> str:
    """A text field of a CSV file as OWASP advises: an apostrophe in front when it begins like a
    formula. CSV has no types: this is the only way to keep a spreadsheet opening the file from
    evaluating it. Only for text people wrote; numbers that Hotline computes are written as they
    are (a negative one would otherwise get the apostrophe too)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
