"""Rows of an `.xlsx` export (Microsoft Forms' "Open in Excel", or a sheet saved as Excel).

The first worksheet is read as it is stored: a cell that holds a formula, or text that
looks like one, comes back as its text (`=HYPERLINK(...)`), never evaluated. Dates and
times become ISO text, whole numbers lose `.0`.
"""

from __future__ import annotations

import io
import zipfile

from sos_sync.backends.local.exports import ExportProblem
from sos_sync.tracker.table import cell_text


def read_workbook_rows(data: bytes, where: str) -> list[list[str]]:
    """Every row of the first sheet as text (header first), trailing empty rows dropped."""
    import openpyxl  # only for a Microsoft Forms export: a night without one skips the import
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ExportProblem(
            f"{where} cannot be opened as an Excel workbook ({exc.__class__.__name__}): it is "
            "damaged or was cut short. Download the responses again."
        ) from None
    try:
        sheet = wb.worksheets[0]
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ExportProblem(
            f"{where} cannot be read to the end ({exc.__class__.__name__}): it is damaged or "
            "was cut short. Download the responses again."
        ) from None
    finally:
        wb.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    return rows
