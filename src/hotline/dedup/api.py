"""Duplicate search for the people who take calls and dispatch them.

GET /api/v1/dedup/similar?text=...&address=...&top=5   tickets like the appeal being typed, with a
score and a reason ("文本相似 0.93 · 同一社区 · 3 天内"); each title as the ticket list shows it, the
numbers in it masked

For the roles that receive appeals (operator, dispatcher, admin): they see every ticket anyway. A
department's handler, head, a supervisor or a leader gets 403: the search reaches across
departments, and their own pages already show them their tickets.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from hotline.accounts.auth import request_user
from hotline.accounts.permissions import require_role
from hotline.core.api import ERRORS
from hotline.core.enums import TicketStatus
from hotline.core.errors import InvalidInput
from hotline.dedup.embedders import configured_embedder
from hotline.dedup.schemas import SimilarFilters, SimilarOut, SimilarTicket
from hotline.dedup.scoring import threshold
from hotline.dedup.search import similar
from hotline.routing.place import locate
from hotline.taxonomy.models import Category
from hotline.tickets import presenter

router = Router(tags=["dedup"])


@router.get(
    "/similar", response={200: SimilarOut, **ERRORS}, summary="Tickets like a text (重复诉求), best first"
)
def similar_tickets(request: HttpRequest, filters: Query[SimilarFilters]) -> SimilarOut:
    """The address (or the point) tells the area, which raises the score of tickets of the same
    community or street and lowers those of another district; nothing is stored."""
    require_role(request_user(request), "receive")
    text = filters.text  # stripped, not blank, without control characters (`SimilarFilters`)
    if filters.category_id is not None and not Category.objects.filter(pk=filters.category_id).exists():
        raise InvalidInput(_("category_id: 分类 %(id)s 不存在") % {"id": filters.category_id})
    place = locate(filters.address, [text], latitude=filters.latitude, longitude=filters.longitude)
    matches = similar(
        text,
        area=place.area,
        latitude=filters.latitude,
        longitude=filters.longitude,
        category_id=filters.category_id,
        top=filters.top,
    )
    embedder = configured_embedder()
    titles = presenter.listed_titles(m.ticket for m in matches)
    return SimilarOut(
        items=[
            SimilarTicket(
                id=m.ticket.pk,
                number=m.ticket.number,
                title=titles[m.ticket.pk],
                status=TicketStatus(m.ticket.status),
                score=m.score.score,
                similarity=m.score.similarity,
                duplicate=m.duplicate,
                reason=m.score.reason,
            )
            for m in matches
        ],
        area=place.area.name if place.area is not None else None,
        threshold=threshold(embedder.kind),
        embedder=embedder.name,
    )
