"""Repeated appeals (重复诉求预警) flagged by the counters (`supervision.repetition`), for supervision.

GET  /supervision/repetitions/            the repetitions still open, the most appeals first:
                                          who or what repeats (a masked phone, an address, an
                                          issue), how often in the window (a citizen's: how many
                                          of those report a problem, `Repetition.problems`, which
                                          is what an order counts, and how many were
                                          consultations), each of its tickets (number and link,
                                          title, kind, status, day received; no citizen's number,
                                          in the title neither),
                                          the ticket it is about now and its review; `?kind=` one
                                          kind, `?review=1` those waiting for a person's review. A
                                          line says that only complaints, help requests and
                                          reports count towards an order
                                          (`supervision.repetition.PROBLEM_KINDS`): consultations,
                                          suggestions and praise raise none (a question asked
                                          again is the knowledge base's), with a link to the
                                          articles proposed from consultations for those who
                                          review them
POST /supervision/repetitions/<id>/review/
                                          the review (`supervision.actions.do_review_repetition`):
                                          outcome and note; `next` says where to go afterwards.
                                          A citizen's: reasonable, possibly unreasonable, not one
                                          problem; an issue's or a place's: not one problem, not one
                                          place, which takes the group apart

For the supervising roles (supervisors, leaders, admins); the review also for dispatchers, from the
ticket's page. A citizen's repetition is only ever marked as possibly unreasonable by a person, and
that rejects nothing: invalidating an appeal is the ticket's own two-person action.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.core.api import MAX_NOTE
from hotline.core.enums import RepetitionKind, RepetitionOutcome
from hotline.core.errors import HotlineError, NotFound
from hotline.supervision.actions import do_review_repetition
from hotline.supervision.models import Repetition
from hotline.tickets import presenter
from hotline.tickets.models import Ticket
from hotline.web.actions import next_url, refusal_page
from hotline.web.dispatch import paginate, staff_view
from hotline.web.forms import posted_text
from hotline.web.supervision import BOARD_FOR
from hotline.web.wording import shown


@staff_view("supervise", require_GET, refusal=BOARD_FOR)
def repetitions(request: HttpRequest, user: User) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    if kind not in RepetitionKind.values:
        kind = ""
    review = request.GET.get("review") == "1"
    rows = Repetition.objects.filter(cleared_at__isnull=True).select_related("ticket", "reviewed_by")
    if kind:
        rows = rows.filter(kind=kind)
    if review:
        rows = rows.filter(needs_review=True)
    rows = rows.prefetch_related(
        Prefetch(
            "tickets",
            queryset=Ticket.objects.order_by("-created_at", "-pk").only(
                "pk", "number", "title", "kind", "status", "created_at"
            ),
        ),
        # The tickets' callers, which their titles are masked with (`presenter.listed_title`).
        presenter.callers_loaded("tickets"),
    ).order_by("-count", "-last_at", "pk")
    page = paginate(request, rows)
    # Listed, their numbers masked for every role (`tickets.presenter.listed_title`): the portal's
    # and the web's callers write theirs in the title ("请回电139…").
    titles = {t.pk: presenter.listed_title(t) for r in page["rows"] for t in r.tickets.all()}
    return render(
        request,
        "web/repetitions.html",
        {
            **page,
            "titles": titles,
            "kinds": RepetitionKind.choices,
            "kind": kind,
            "review": review,
            "outcomes": RepetitionOutcome.choices,
            "can_review": user.role in ACTION_ROLES["review_repetition"],
            "can_see_proposals": user.role in ACTION_ROLES["review_article"],
            "here": request.get_full_path(),
        },
    )


@staff_view("review_repetition", require_POST)
def review(request: HttpRequest, user: User, repetition_id: int) -> HttpResponse:
    repetition = Repetition.objects.filter(pk=repetition_id).select_related("ticket").first()
    ticket = repetition.ticket if repetition is not None else None
    try:
        if repetition is None:
            raise NotFound(_("重复诉求预警 %(id)s 不存在") % {"id": repetition_id})
        repetition = do_review_repetition(
            repetition,
            user,
            outcome=request.POST.get("outcome", ""),
            note=posted_text(request, "note", MAX_NOTE),
        )
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, next_url(request, ticket))
    messages.success(
        request,
        _("重复诉求预警“%(label)s”：%(outcome)s")
        % {"label": repetition.label_shown, "outcome": repetition.get_outcome_display()},
    )
    return HttpResponseRedirect(next_url(request, ticket))
