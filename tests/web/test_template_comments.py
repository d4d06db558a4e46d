"""Django's `{# ... #}` comment ends on its own line: one spread over two lines is printed on the
page as text (the rankings page showed one to leaders). Longer comments use {% comment %}."""

from pathlib import Path

import hotline


def test_no_template_comment_spans_lines() -> None:
    spread = [
        f"{path.relative_to(Path(hotline.__file__).parent)}:{number}"
        for path in sorted(Path(hotline.__file__).parent.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert spread == []
