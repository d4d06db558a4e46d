"""The knowledge base (知识库) on the staff pages, and its answers on the operator's console.

GET  /knowledge/[?q=&category=&status=]    search or list the articles: operators see what they
                                           may answer with (published, valid today), those who
                                           write or review articles every status (proposals too;
                                           status=due: published, due for their periodic review),
                                           with links to what waits for them: the proposals made
                                           when a satisfied consultation was closed, and reviews
GET  /knowledge/<id>/                      an article: text, validity (expired or not yet valid
                                           marked), owner, versions, its log (who proposed, wrote,
                                           reviewed, retired, answered from it), uses, the asks of
                                           the same question, an edit waiting beside the published
                                           text (with what it changes), what seems to speak of one
                                           caller, and only the actions valid for the user now
GET  /knowledge/<id>/?version=<n>          one version as it was, and what it changed from the one
                                           before (those who write or review)
GET  /knowledge/new/, POST                 write an article (a draft of the user's department); the
                                           form sent twice makes one (`web.forms.made_once`)
GET  /knowledge/<id>/edit/, POST           edit it: a new version (of a published one: waiting for
                                           review beside it)
POST /knowledge/<id>/do/<action>/          submit, approve, send back, retire (the last two say why)
GET  /console/answers/?title=&content=&category=
                                           the best answers while the caller speaks (htmx, beside
                                           the console's suggestions), each with a button that
                                           puts it in the answer box and names the article

Every change goes through `knowledge.actions`; a refused one comes back with its message.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.core.enums import ArticleStatus
from hotline.core.errors import HotlineError
from hotline.directory.models import Department
from hotline.knowledge import actions, personal
from hotline.knowledge.actions import ArticleData
from hotline.knowledge.diff import changes
from hotline.knowledge.models import Article, ArticleAsk, ArticleUse, ArticleVersion
from hotline.knowledge.search import search, usable
from hotline.taxonomy.models import Category
from hotline.tickets import selectors
from hotline.web.actions import refusal_page
from hotline.web.dispatch import paginate, staff_view
from hotline.web.forms import SENT_BEFORE, PlainTextForm, SentOnce, made_once, new_token, posted_text
from hotline.web.params import parse_id
from hotline.web.wording import shown

# Text shorter than this says too little to search on.
MIN_TEXT = 4


def _writes(user: User) -> bool:
    """Those who write or review articles see them in every status; the others what is usable."""
    return user.role in ACTION_ROLES["edit_article"]


def _category(value: str | None) -> Category | None:
    category_id = parse_id(value)
    return Category.objects.filter(pk=category_id).first() if category_id is not None else None


def _categories() -> list[tuple[int, str]]:
    found = Category.objects.filter(is_active=True).select_related("parent", "parent__parent")
    return sorted(((c.pk, str(c)) for c in found), key=lambda x: x[1])


# --- the console's answers -----------------------------------------------------------------------


@staff_view("receive", require_GET)
def console_answers(request: HttpRequest, user: User) -> HttpResponse:
    title = request.GET.get("title", "")[:200]
    content = request.GET.get("content", "")[:20_000]
    if len((title + content).strip()) < MIN_TEXT:
        return render(request, "web/_console_answers.html", {"hits": None})
    conf = settings.HOTLINE["KNOWLEDGE"]
    hits = search(
        f"{title} {content}", category=_category(request.GET.get("category")), limit=conf["SUGGESTIONS"]
    )
    # A weak match is noise beside a call: left out, as "none found" says.
    hits = [h for h in hits if h.score >= conf.get("CONSOLE_MIN_SCORE", 0.0)]
    return render(request, "web/_console_answers.html", {"hits": hits})


# --- the pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    text = request.GET.get("q", "").strip()[:200]
    category = _category(request.GET.get("category"))
    status = request.GET.get("status", "")
    writes = _writes(user)
    context: dict[str, Any] = {
        "q": text,
        "category": category,
        "categories": _categories(),
        "status": status,
        "statuses": ArticleStatus.choices if writes else [],
        "writes": writes,
        "hits": None,
    }
    if writes:  # what waits for a person: proposals to rewrite, and reviews
        context["waiting"] = {
            s: Article.objects.filter(_in_status(s)).count()
            for s in (ArticleStatus.PROPOSED, ArticleStatus.REVIEW)
        }
    if text:
        context["hits"] = search(text, category=category, limit=20)
        return render(request, "web/knowledge_list.html", context)
    articles = Article.objects.all() if writes else usable()
    if writes and status in ArticleStatus.values:
        articles = articles.filter(_in_status(status))
    elif writes and status == "due":  # published, and their periodic review (复审) is due
        articles = articles.filter(actions.due_for_review())
    if category is not None:
        articles = articles.filter(category=category)
    articles = (
        articles.select_related("category", "owner", "source_ticket")
        .annotate(asked=Count("asks"))
        .order_by("-updated_at", "-pk")
    )
    page = paginate(request, articles)
    page["openable"] = _openable(user, [a.source_ticket_id for a in page["rows"]])
    return render(request, "web/knowledge_list.html", {**context, **page})


def _openable(user: User, ticket_ids: Iterable[int | None]) -> set[int]:
    """Those of the tickets `ticket_ids` that `user` may open: the others are named, not linked (a
    department that writes articles sees where they came from, not every ticket behind them)."""
    wanted = {pk for pk in ticket_ids if pk is not None}
    if not wanted:
        return set()
    return set(selectors.visible_tickets(user).filter(pk__in=wanted).values_list("pk", flat=True))


def _in_status(status: str) -> Q:
    """The articles a status filter lists: 待审核 and 草稿 take in the published articles whose
    edit waits in review or was sent back (the article itself is published)."""
    if status in (ArticleStatus.REVIEW, ArticleStatus.DRAFT):
        return Q(status=status) | Q(status=ArticleStatus.PUBLISHED, pending_status=status)
    return Q(status=status)


def _visible(user: User, article_id: int) -> Article | None:
    articles = Article.objects.all() if _writes(user) else usable()
    return (
        articles.select_related("category", "area", "owner", "reviewed_by", "created_by")
        .filter(pk=article_id)
        .first()
    )


def _version(article: Article, number: int) -> ArticleVersion | None:
    return (
        article.versions.select_related("edited_by", "reviewed_by", "category", "area", "owner")
        .filter(number=number)
        .first()
    )


@login_required
@require_GET
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    article = _visible(user, article_id)
    if article is None:
        return render(request, "web/forbidden.html", {"message": _("知识不存在")}, status=404)
    writes = _writes(user)
    if writes and "version" in request.GET:
        return _version_page(request, article)
    context: dict[str, Any] = {"a": article, "writes": writes}
    if writes:
        waiting = actions.pending(article)
        newest = waiting or _version(article, article.version)
        context |= {
            "versions": article.versions.select_related("edited_by", "reviewed_by").order_by("-number"),
            "uses": ArticleUse.objects.filter(article=article).select_related("ticket", "used_by")[:20],
            "use_count": ArticleUse.objects.filter(article=article).count(),
            "asks": ArticleAsk.objects.filter(article=article).select_related("ticket")[:20],
            "ask_count": ArticleAsk.objects.filter(article=article).count(),
            "log": article.events.select_related("actor", "ticket").order_by("-at", "-pk")[:50],
            "offer": actions.offered(article, user),
            "pending": waiting,
            "pending_changes": changes(_version(article, article.version), waiting) if waiting else [],
            # What seems to speak of one caller, in the text a reviewer is asked to approve (or an
            # editor to rewrite): a proposal's, a draft's, an edit's waiting.
            "flags": (
                personal.flags(f"{newest.title}\n{newest.body}")
                if newest is not None and (waiting is not None or article.status != ArticleStatus.PUBLISHED)
                else []
            ),
            "public_default": waiting.public if waiting is not None else article.public,
        }
        context["openable"] = _openable(
            user,
            [
                article.source_ticket_id,
                *(u.ticket_id for u in context["uses"]),
                *(q.ticket_id for q in context["asks"]),
                *(e.ticket_id for e in context["log"]),
            ],
        )
    return render(request, "web/knowledge_article.html", context)


def _version_page(request: HttpRequest, article: Article) -> HttpResponse:
    number = parse_id(request.GET.get("version"))
    version = _version(article, number) if number is not None else None
    if version is None:
        return render(request, "web/forbidden.html", {"message": _("该版本不存在")}, status=404)
    before = article.versions.filter(number__lt=version.number).order_by("-number").first()
    after = article.versions.filter(number__gt=version.number).order_by("number").first()
    state = ""
    if version.number == article.version and article.status == ArticleStatus.PUBLISHED:
        state = _("当前发布的版本")
    elif version.number == article.pending_version:
        state = _("待审核的修改") if article.pending_status == ArticleStatus.REVIEW else _("退回修改的草稿")
    return render(
        request,
        "web/knowledge_version.html",
        {
            "a": article,
            "v": version,
            "before": before,
            "after": after,
            "state": state,
            "changes": changes(before, version),
        },
    )


class ArticleForm(SentOnce, PlainTextForm):
    """An article as written; a new one's form is taken once (`SentOnce`)."""

    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    question = forms.CharField(
        label=gettext_lazy("常见问法"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("市民的其他问法和关键词，用于检索"),
    )
    body = forms.CharField(
        label=gettext_lazy("答复口径"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    # Empty, each of these means something: every category, the whole city, no one named.
    category = forms.ModelChoiceField(
        label=gettext_lazy("分类"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("不限分类"),
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("适用属地"),
        queryset=Department.objects.filter(is_active=True, is_area=True),
        required=False,
        empty_label=gettext_lazy("全市"),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("责任单位"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("—— 请选择 ——"),
    )
    # A date box takes and gives ISO dates (YYYY-MM-DD) whatever the language's own date format
    # (zh-hans writes 2026/12/01, which the browser refuses: the box would open empty).
    valid_from = forms.DateField(
        label=gettext_lazy("生效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("失效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    public = forms.BooleanField(label=gettext_lazy("在百问百答中对外公开"), required=False)
    note = forms.CharField(label=gettext_lazy("修改说明"), required=False, max_length=500)

    def data_of(self) -> ArticleData:
        d = self.cleaned_data
        return ArticleData(
            title=d["title"],
            body=d["body"],
            question=d.get("question") or "",
            category_id=d["category"].pk if d.get("category") else None,
            area_id=d["area"].pk if d.get("area") else None,
            owner_id=d["owner"].pk if d.get("owner") else None,
            valid_from=d.get("valid_from"),
            valid_until=d.get("valid_until"),
            public=bool(d.get("public")),
        )


def _initial(article: Article | ArticleVersion) -> dict[str, Any]:
    """The form filled with what is written: a published article's edit waiting, if any (the
    newest text), else the article."""
    return {
        "title": article.title,
        "question": article.question,
        "body": article.body,
        "category": article.category_id,
        "area": article.area_id,
        "owner": article.owner_id,
        "valid_from": article.valid_from,
        "valid_until": article.valid_until,
        "public": article.public,
    }


@staff_view("edit_article", require_http_methods(["GET", "POST"]))
def article_new(request: HttpRequest, user: User) -> HttpResponse:
    form = ArticleForm(request.POST or None, initial={"owner": user.department_id, "token": new_token()})
    if request.method == "POST" and form.is_valid():
        try:
            article, made = made_once(
                user,
                form.cleaned_data["token"],
                Article,
                lambda: actions.do_create_article(
                    user, form.data_of(), note=form.cleaned_data.get("note") or ""
                ),
            )
        except HotlineError as error:
            return render(
                request,
                "web/knowledge_form.html",
                {"form": form, "error": shown(error)},
                status=error.status_code,
            )
        if made:
            messages.success(request, _("已保存为草稿，送审后发布"))
        else:  # the form sent twice: the article its first sending made
            messages.info(request, SENT_BEFORE)
        return HttpResponseRedirect(reverse("knowledge_article", args=[article.pk]))
    status = 422 if request.method == "POST" else 200
    return render(request, "web/knowledge_form.html", {"form": form}, status=status)


@staff_view("edit_article", require_http_methods(["GET", "POST"]))
def article_edit(request: HttpRequest, user: User, article_id: int) -> HttpResponse:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return render(request, "web/forbidden.html", {"message": _("知识不存在")}, status=404)
    if request.method == "GET":
        # Not a form to fill in only to have it refused.
        try:
            actions.check_editable(article, user)
        except HotlineError as error:
            return render(request, "web/forbidden.html", {"message": shown(error)}, status=error.status_code)
    written = actions.pending(article) or article
    form = ArticleForm(request.POST or None, initial=_initial(written))
    context: dict[str, Any] = {
        "form": form,
        "a": article,
        "flags": personal.flags(f"{written.title}\n{written.body}"),
    }
    if request.method == "POST" and form.is_valid():
        try:
            edited = actions.do_edit_article(
                article, user, form.data_of(), note=form.cleaned_data.get("note") or ""
            )
        except HotlineError as error:
            context["error"] = shown(error)
            return render(request, "web/knowledge_form.html", context, status=error.status_code)
        if edited.pending_version is not None:
            messages.success(
                request,
                _("已保存第 %(new)d 版，送交审核；审核通过前仍使用已发布的第 %(live)d 版")
                % {"new": edited.pending_version, "live": edited.version},
            )
        else:
            messages.success(request, _("已保存第 %(new)d 版") % {"new": edited.version})
        return HttpResponseRedirect(reverse("knowledge_article", args=[article.pk]))
    status = 422 if request.method == "POST" else 200
    return render(request, "web/knowledge_form.html", context, status=status)


@login_required
@require_POST
def article_action(request: HttpRequest, article_id: int, name: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    back = reverse("knowledge_article", args=[article_id])
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return refusal_page(request, _("知识不存在"), 404, reverse("knowledge"))
    steps: dict[str, Callable[[str], Article]] = {
        "submit": lambda note: actions.do_submit_article(article, user),
        "approve": lambda note: actions.do_review_article(
            article, user, approve=True, note=note, public=request.POST.get("public") == "on"
        ),
        "reject": lambda note: actions.do_review_article(article, user, approve=False, note=note),
        "retire": lambda note: actions.do_retire_article(article, user, note=note),
    }
    if name not in steps:
        return refusal_page(request, _("未知操作 %(name)r") % {"name": name}, 404, back)
    try:
        done = steps[name](posted_text(request, "note", actions.MAX_NOTE))
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    messages.success(
        request, _("知识“%(title)s”：%(status)s") % {"title": done.title, "status": done.get_status_display()}
    )
    return HttpResponseRedirect(back)
