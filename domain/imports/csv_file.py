"""Reading an uploaded CSV: UTF-8 (with or without BOM), `,` or `;` separated, quoted fields.

Rows are numbered as a spreadsheet shows them: the header is row 1 and every record is one row,
even when a quoted cell spans several lines. Blank lines keep their number but are not data.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

MAX_FILE_BYTES = 50 * 1024 * 1024
# Columns a file may have. Ten contact fields and a workspace's custom fields fit many times over;
# a header of 100,000 columns (689 KB) made every row a 100,000-cell record and 100,000 reports.
MAX_COLUMNS = 200
SEPARATORS = (",", ";")

# Cells may hold long notes; the csv module's default limit (128 KiB) would reject some real files.
csv.field_size_limit(MAX_FILE_BYTES)


class ImportFileError(Exception):
    """The file as a whole cannot be imported (nothing is read from it)."""


class Record(NamedTuple):
    """A tuple: 100k of them are made per file and sent to helper processes, so they stay light."""

    row: int
    cells: list[str]


@dataclass(frozen=True)
class CsvSummary:
    header: list[str]
    separator: str
    data_rows: int


def decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError("this looks like an Excel workbook: save it as CSV (UTF-8) and upload that")
    if b"\x00" in data[:65536]:
        raise ImportFileError("this is not a CSV file (it contains binary data)")
    try:
        # utf-8-sig drops the byte-order mark spreadsheet programs put in front of UTF-8 exports.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"the file is not UTF-8 text (byte {exc.start + 1}): export it as CSV UTF-8"
        ) from None


def sniff_separator(text: str) -> str:
    """`,` or `;`, whichever occurs more often outside quotes on the header line."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


def records(text: str, separator: str) -> Iterator[Record]:
    """Every record after the header, blank lines left out (their row numbers stay used)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        next(reader, None)
        for row, cells in enumerate(reader, start=2):
            if "".join(cells).strip():
                yield Record(row, cells)
    except csv.Error as exc:
        raise ImportFileError(f"the file is not valid CSV near row {reader.line_num}: {exc}") from None


class BatchReader:
    """The records of a file in batches, each with the text it was read from.

    A helper process is sent that text rather than the parsed cells: one string pickles and
    unpickles far cheaper than thousands of lists, and re-reading CSV is fast C code.
    """

    def __init__(self, text: str, separator: str) -> None:
        # Lines split exactly as csv.reader sees them, so line numbers index this list.
        self._lines = io.StringIO(text, newline="").readlines()
        self._reader = csv.reader(iter(self._lines), delimiter=separator)
        self.separator = separator
        self._row = 1
        next(self._reader, None)

    def take(self, n: int) -> tuple[list[Record], int, str]:
        """Up to `n` records, the row number the text starts at, and the text (blank lines included)."""
        start, first, records = self._reader.line_num, self._row + 1, []
        try:
            for cells in self._reader:
                self._row += 1
                if "".join(cells).strip():
                    records.append(Record(self._row, cells))
                    if len(records) == n:
                        break
        except csv.Error as exc:
            raise ImportFileError(f"the file is not valid CSV near row {self._row}: {exc}") from None
        return records, first, "".join(self._lines[start:self._reader.line_num])


def reread(text: str, separator: str, first_row: int) -> list[Record]:
    """The records of a text from BatchReader.take, with their row numbers in the whole file."""
    cells = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    return [Record(row, c) for row, c in enumerate(cells, start=first_row) if "".join(c).strip()]


def header(text: str, separator: str) -> list[str]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise ImportFileError(f"the header is not valid CSV: {exc}") from None
    if not first or not any(c.strip() for c in first):
        raise ImportFileError("the file has no header row (the first row must name the columns)")
    if len(first) > MAX_COLUMNS:
        raise ImportFileError(
            f"the header has {len(first):,} columns; an import takes at most {MAX_COLUMNS} (leave out the ones it does not need)"
        )
    return [c.strip() for c in first]


def summarize(data: bytes, *, max_rows: int | None = None) -> CsvSummary:
    """Read the whole file once: its header, separator and number of data rows; or ImportFileError.

    With `max_rows`, a file with more data rows is refused as soon as the row after the limit is read.
    """
    text = decode(data)
    if not text.strip():
        raise ImportFileError("the file is empty")
    separator = sniff_separator(text)
    names = header(text, separator)
    count = 0
    for _ in records(text, separator):
        count += 1
        if max_rows is not None and count > max_rows:
            raise ImportFileError(
                f"the file has more than {max_rows:,} rows: split it into files of at most {max_rows:,} rows"
            )
    return CsvSummary(header=names, separator=separator, data_rows=count)
