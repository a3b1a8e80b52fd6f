"""CSV files to download, as Excel opens them in France: UTF-8 with a BOM, `;` between columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response


def csv_download(rows: Iterable[dict], columns: list[tuple[str, str]], filename: str) -> Response:
    """`columns`: (key of the row, heading); datetimes in ISO 8601, None as an empty cell."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow([heading for _key, heading in columns])
    for row in rows:
        writer.writerow([_cell(row[key]) for key, _heading in columns])
    return Response(
        "\ufeff" + output.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
