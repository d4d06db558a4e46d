"""The citizens' numbers in what the analytics kept of their titles, masked as they now are when it
is made (`analytics.hotspots._clean_title`, `analytics.early_warning._tickets_of`): the web's and
the portal's callers write theirs in the title ("回电139…"), and leaders read these texts.

- a hot spot's description (the overview, the hot spot's page, the reports and their CSV: the sets
  of past report periods are kept, they would show it for good);
- an early warning's title, and in its evidence (and in that of the findings joined to it) the hot
  spot's description and the appeals' titles (the supervision board's warnings page, the overview);
- the leaders' notices of the warnings (`notifications`, reason early_warning): their in-app inbox.

The masking is the application's own (`core.phone.mask_numbers`, a citizen's own words: every
number masked): one rule. A warning's title and a notice are masked whole: the words the worker
writes around the description are names and small counts, which the rule leaves as written. A few
rows (tens of thousands of hot spots at most, hundreds of warnings), read and written by id in
batches. Not reversed: a masked number cannot be told again.
"""

from typing import Any

from django.db import migrations

from hotline.core.phone import mask_numbers

BATCH = 1000


def _masked(text: Any) -> Any:
    return mask_numbers(text, citizen_text=True) if isinstance(text, str) else text


def _evidence(evidence: Any) -> Any:
    """The evidence with the hot spot's description and the appeals' titles masked, its joined
    findings' too; anything else as it was."""
    if not isinstance(evidence, dict):
        return evidence
    out = dict(evidence)
    if "description" in out:
        out["description"] = _masked(out["description"])
    if isinstance(out.get("tickets"), list):
        out["tickets"] = [
            {**t, "title": _masked(t.get("title"))} if isinstance(t, dict) and "title" in t else t
            for t in out["tickets"]
        ]
    if isinstance(out.get("joined"), list):
        out["joined"] = [
            {**f, "title": _masked(f.get("title")), "evidence": _evidence(f.get("evidence"))}
            if isinstance(f, dict)
            else f
            for f in out["joined"]
        ]
    return out


def _each(model: Any, fields: list[str], change: Any, **filters: Any) -> None:
    """`change` on every row of `model` (matching `filters`), a batch at a time by id; the rows it
    changed written back."""
    last = 0
    while True:
        batch = list(model.objects.filter(pk__gt=last, **filters).order_by("pk").only("pk", *fields)[:BATCH])
        if not batch:
            return
        changed = [row for row in batch if change(row)]
        if changed:
            model.objects.bulk_update(changed, fields)
        last = batch[-1].pk


def mask(apps: Any, schema_editor: Any) -> None:
    def hotspot(row: Any) -> bool:
        before = row.description
        row.description = _masked(before)
        return bool(row.description != before)

    def warning(row: Any) -> bool:
        before = (row.title, row.evidence)
        row.title, row.evidence = _masked(row.title), _evidence(row.evidence)
        return (row.title, row.evidence) != before

    def notice(row: Any) -> bool:
        before = row.message
        row.message = _masked(before)
        return bool(row.message != before)

    _each(apps.get_model("analytics", "Hotspot"), ["description"], hotspot)
    _each(apps.get_model("analytics", "EarlyWarning"), ["title", "evidence"], warning)
    _each(apps.get_model("notifications", "Notification"), ["message"], notice, reason="early_warning")


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0007_admin_names_in_chinese"),
        ("notifications", "0007_grid_worker_role"),
    ]

    operations = [
        migrations.RunPython(mask, migrations.RunPython.noop, elidable=True),
    ]
