"""Answered suggestions published on 百问百答, on the staff pages (`feedback.publication`).

GET  /suggestions/[?published=0|1]          the suggestions departments answered, newest first, each
                                            published or not, with a link to publish it
GET  /tickets/<number>/publish/, POST       publish one (or change what is published): the editor
                                            writes the title, the suggestion in general words and
                                            the answer (drafted from the reply); the citizen's own
                                            words are shown beside the form, never published; once
                                            published, back to the list (its row links the public page)
POST /tickets/<number>/publish/withdraw/    take it off the public page

For those who review the knowledge base's public answers (`ACTION_ROLES["publish_suggestion"]`).
A text with personal data in it is refused and comes back as written, with what was found.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.accounts.models import User
from hotline.core.errors import HotlineError, NotFound
from hotline.feedback.models import PublishedSuggestion
from hotline.feedback.publication import (
    MAX_TEXT,
    MAX_TITLE,
    SuggestionText,
    answered_suggestions,
    district_of,
    do_publish_suggestion,
    do_withdraw_suggestion,
    draft_answer,
)
from hotline.tickets import selectors
from hotline.tickets.models import Ticket
from hotline.web.actions import refusal_page
from hotline.web.dispatch import paginate, staff_view
from hotline.web.forms import PlainTextForm
from hotline.web.params import ticket_number
from hotline.web.wording import shown


class PublishForm(PlainTextForm):
    title = forms.CharField(
        label=gettext_lazy("公开标题"),
        max_length=MAX_TITLE,
        help_text=gettext_lazy("概括建议的事项，不写人名、地址"),
    )
    question = forms.CharField(
        label=gettext_lazy("建议内容（概括改写）"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy("用一般性的话概括建议，不照抄原文，不写姓名、电话、具体地址和工单编号"),
    )
    answer = forms.CharField(
        label=gettext_lazy("答复（公开）"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
        help_text=gettext_lazy("由答复整理，可删改；单位的咨询电话可以保留"),
    )


def _suggestion(user: User, number: str) -> Ticket:
    """An answered suggestion the user may see, by number; NotFound otherwise."""
    looked_up = ticket_number(number)
    visible = selectors.visible_tickets(user).values("pk")
    ticket = answered_suggestions().filter(pk__in=visible, number=looked_up).first() if looked_up else None
    if ticket is None:
        raise NotFound(_("已答复的建议 %(number)s 不存在") % {"number": number})
    return ticket


@staff_view("publish_suggestion", require_GET)
def suggestion_list(request: HttpRequest, user: User) -> HttpResponse:
    rows = answered_suggestions().select_related("publication", "category").order_by("-updated_at", "-pk")
    wanted = request.GET.get("published", "")
    if wanted == "1":
        rows = rows.filter(publication__isnull=False, publication__withdrawn_at__isnull=True)
    elif wanted == "0":
        rows = rows.exclude(publication__isnull=False, publication__withdrawn_at__isnull=True)
    return render(request, "web/suggestions.html", {**paginate(request, rows), "published": wanted})


@staff_view("publish_suggestion", require_http_methods(["GET", "POST"]))
def publish(request: HttpRequest, user: User, number: str) -> HttpResponse:
    try:
        ticket = _suggestion(user, number)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, reverse("suggestions"))
    existing = PublishedSuggestion.objects.filter(ticket=ticket).first()
    initial: dict[str, Any] = {"answer": draft_answer(ticket)}
    if existing is not None:
        initial = {"title": existing.title, "question": existing.question, "answer": existing.answer}
    form = PublishForm(request.POST or None, initial=initial)
    context = {
        "form": form,
        "ticket": ticket,
        "published": existing,
        "district": district_of(ticket.area),
        "appeals": ticket.appeals.order_by("received_at", "pk"),
    }
    if request.method == "POST" and form.is_valid():
        try:
            done = do_publish_suggestion(ticket, user, SuggestionText(**form.cleaned_data))
        except HotlineError as error:
            return render(
                request,
                "web/suggestion_publish.html",
                {**context, "error": shown(error)},
                status=error.status_code,
            )
        # Back to the editors' list, where the row links to the public page: the editor goes on
        # with the next suggestion rather than landing on the citizens' site.
        messages.success(request, _("“%(title)s”已公开到百问百答") % {"title": done.title})
        return HttpResponseRedirect(reverse("suggestions"))
    status = 422 if request.method == "POST" else 200
    return render(request, "web/suggestion_publish.html", context, status=status)


@staff_view("publish_suggestion", require_POST)
def withdraw(request: HttpRequest, user: User, number: str) -> HttpResponse:
    back = reverse("suggestion_publish", args=[number])
    try:
        ticket = _suggestion(user, number)
        existing = PublishedSuggestion.objects.filter(ticket=ticket).first()
        if existing is None:
            raise NotFound(_("建议 %(number)s 没有公开") % {"number": number})
        do_withdraw_suggestion(existing, user)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    messages.success(request, _("已从百问百答撤下"))
    return HttpResponseRedirect(back)
