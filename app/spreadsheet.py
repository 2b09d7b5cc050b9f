"""CSV the app writes is opened in spreadsheets: a cell that starts like a formula would be
run there (=HYPERLINK(...) from a shop's name, a phone's +33...). Every text cell goes
through `cell()`, which keeps it as text (OWASP's "CSV injection" advice)."""
import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """Text that a spreadsheet would read as a formula, with a ' in front (shown as typed);
    numbers and other text as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header, rows) -> str:
    """A CSV document (CRLF, as spreadsheets expect) whose every cell went through cell()."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(value) for value in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()
