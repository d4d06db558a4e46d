"""The supervision board's line about the repetitions the counters flagged (supervision.repetition)."""

from typing import Any

from django import template
from django.db.models import Count, Q

from hotline.supervision.models import Repetition

register = template.Library()


@register.inclusion_tag("web/_repetition_alerts.html")
def repetition_alerts() -> dict[str, Any]:
    """How many repetitions are open, and how many of them wait for a person's review."""
    counts = Repetition.objects.filter(cleared_at__isnull=True).aggregate(
        open=Count("pk"), to_review=Count("pk", filter=Q(needs_review=True))
    )
    return {"counts": counts}
