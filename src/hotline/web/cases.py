"""The case library (案例库) on the staff pages.

GET  /cases/[?q=&category=]          typical cases, searched by the question's words or newest first
GET  /cases/<id>/                    one case: the story, the lesson, the ticket it came from
GET  /tickets/<number>/case/, POST   mark a closed ticket as a typical case, the story drafted from
                                     its record (`knowledge.cases.story_of`) and edited by the marker
POST /cases/<id>/unmark/             take a case out of the library

Every member of staff reads the library; dispatchers, supervisors, leaders and admins mark
(`ACTION_ROLES["mark_case"]`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.core.errors import HotlineError
from hotline.knowledge.cases import do_mark_case, do_unmark_case, find_cases, story_of, title_of
from hotline.knowledge.models import Case
from hotline.taxonomy.models import Category
from hotline.web.actions import refusal_page, visible_by_number
from hotline.web.dispatch import staff_view
from hotline.web.forms import PlainTextForm
from hotline.web.params import parse_id
from hotline.web.wording import shown


class CaseForm(PlainTextForm):
    title = forms.CharField(label=gettext_lazy("案例标题"), max_length=200)
    story = forms.CharField(
        label=gettext_lazy("办理经过"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 10})
    )
    lesson = forms.CharField(
        label=gettext_lazy("经验做法"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    category_id = parse_id(request.GET.get("category"))
    category = Category.objects.filter(pk=category_id).first() if category_id is not None else None
    roots = Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")
    return render(
        request,
        "web/cases.html",
        {
            "cases": find_cases(text, category=category, limit=50),
            "q": text,
            "category": category,
            "categories": roots,
        },
    )


@login_required
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = Case.objects.select_related("ticket", "category", "marked_by").filter(pk=case_id).first()
    if case is None:
        return render(request, "web/forbidden.html", {"message": _("案例不存在")}, status=404)
    return render(
        request, "web/case.html", {"case": case, "can_mark": user.role in ACTION_ROLES["mark_case"]}
    )


@staff_view("mark_case", require_http_methods(["GET", "POST"]))
def mark_case(request: HttpRequest, user: User, number: str) -> HttpResponse:
    try:
        ticket = visible_by_number(user, number)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, reverse("cases"))
    form = CaseForm(request.POST or None, initial={"title": title_of(ticket), "story": story_of(ticket)})
    context = {"form": form, "ticket": ticket}
    if request.method == "POST" and form.is_valid():
        try:
            case = do_mark_case(ticket, user, **form.cleaned_data)
        except HotlineError as error:
            return render(
                request, "web/case_form.html", {**context, "error": shown(error)}, status=error.status_code
            )
        messages.success(request, _("已加入案例库"))
        return HttpResponseRedirect(reverse("case", args=[case.pk]))
    return render(request, "web/case_form.html", context, status=422 if request.method == "POST" else 200)


@staff_view("mark_case", require_POST)
def unmark_case(request: HttpRequest, user: User, case_id: int) -> HttpResponse:
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return refusal_page(request, _("案例不存在"), 404, reverse("cases"))
    do_unmark_case(case, user)
    messages.success(request, _("已移出案例库"))
    return HttpResponseRedirect(reverse("cases"))
