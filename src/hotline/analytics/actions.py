"""The decisions on early warnings: the only code that changes a warning after the worker raised it.

A supervisor reads a warning's evidence and confirms it (a real rise, to be acted on) or dismisses
it as a false alarm. Each decision is one transaction that writes a `WarningDecision` (who, when,
why, and the cell's threshold before and after) and moves the cell's threshold factor: a dismissal
raises it, so the same cell must rise further before it warns again; a confirmation lowers it
back towards 1 (`analytics.early_warning`). A warning is one episode, which several rules may have
found in different cells (a district's spike, the hot spot of a street without a district): the
decision moves the factor of each of those cells once, since each rule warned about the same
appeals and would warn about the next such episode again.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.analytics.early_warning import cell_label, cell_parts, config
from hotline.analytics.models import EarlyWarning, WarningDecision, WarningThreshold
from hotline.core import clock
from hotline.core.enums import WarningStatus
from hotline.core.errors import ActionNotAllowed, InvalidInput

DECISIONS = (WarningStatus.CONFIRMED, WarningStatus.DISMISSED)


def do_decide_warning(warning: EarlyWarning, actor: User, *, status: str, note: str = "") -> EarlyWarning:
    """Confirm an open warning or dismiss it as a false alarm (`status`), with the actor's note."""
    require_role(actor, "decide_warning")
    if status not in DECISIONS:
        raise InvalidInput(_("status: 须为 confirmed（确认）或 dismissed（误报）"))
    note = note.strip()
    if status == WarningStatus.DISMISSED and not note:
        raise InvalidInput(_("note: 判定为误报须说明理由"))
    conf = config()
    with transaction.atomic():
        warning = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.status != WarningStatus.OPEN:
            raise ActionNotAllowed(
                _("该预警已研判（%(status)s），不能再次研判") % {"status": warning.get_status_display()}
            )
        now = clock.now()
        moved = [_move(cell, status, conf, now) for cell in warning.cells]
        (_cell, before, after), others = moved[0], moved[1:]
        warning.status, warning.decided_by, warning.decided_at, warning.note = status, actor, now, note
        warning.save(update_fields=["status", "decided_by", "decided_at", "note"])
        WarningDecision.objects.create(
            warning=warning,
            status=status,
            actor=actor,
            at=now,
            note=note,
            factor_before=before,
            factor_after=after,
            other_cells=[
                {"cell": cell, "label": cell_label(cell), "before": b, "after": a} for cell, b, a in others
            ],
        )
    return warning


def _move(cell: str, status: str, conf: dict[str, Any], now: datetime) -> tuple[str, float, float]:
    """A cell's threshold factor moved by a decision: (cell, before, after)."""
    category_id, area_id = cell_parts(cell)
    WarningThreshold.objects.get_or_create(
        cell=cell, defaults={"category_id": category_id, "area_id": area_id}
    )
    threshold = WarningThreshold.objects.select_for_update().get(cell=cell)
    before = threshold.factor
    if status == WarningStatus.DISMISSED:
        threshold.factor = min(before * float(conf["DISMISS_STEP"]), float(conf["MAX_FACTOR"]))
        threshold.dismissals += 1
    else:
        threshold.factor = max(before / float(conf["CONFIRM_STEP"]), 1.0)
        threshold.confirmations += 1
    threshold.updated_at = now
    threshold.save()
    return cell, before, threshold.factor
