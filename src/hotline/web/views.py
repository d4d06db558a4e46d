from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hotline.core.enums import TicketStatus
from hotline.tickets.selectors import visible_tickets


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what Hotline is, and for signed-in staff their tickets by status."""
    by_status: list[tuple[str, int]] = []
    if request.user.is_authenticated:
        counts = dict(
            visible_tickets(request.user)  # type: ignore[arg-type]
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        by_status = [(str(label), counts.get(value, 0)) for value, label in TicketStatus.choices]
    return render(
        request,
        "web/home.html",
        {"by_status": by_status},
    )
