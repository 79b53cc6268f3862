"""Excel in and out: any draft to an .xlsx workbook and back, one table from a clerk's own spreadsheet, rows pasted
from the clipboard. Pure Python over openpyxl (imported lazily: it costs start-up time); no Qt, no storage.

- `safety`: what is refused before openpyxl ever opens a file (not a zip, too big, a zip bomb);
- `cells`: a stored value to a typed cell and back (dates as dates, money as integers, IDs as text);
- `workbook`: the whole-draft layout (a sheet per section, a sheet per table, field ids in hidden cells);
- `tables`: one table from any spreadsheet, by matching header labels; pasted tab-separated rows;
- `strings`, `rows`: a workbook opened read-only with its shared strings and its sheets' rows read straight from the
  XML (openpyxl's own per-cell objects are most of the time of a 10,000-row import).
"""
