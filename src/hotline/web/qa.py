"""百问百答: the public page of the knowledge base's answers, and its feeds. No sign-in.

GET /qa/[?q=&category=]   the articles published for everyone (public, published, valid today):
                          searched when asked, else the newest first
GET /qa/<id>/             one answer
GET /qa/suggestions/<id>/ one answered suggestion (建议), as an editor published it
GET /qa/feed.json[?category=]  the newest 50 (answers and answered suggestions) as a JSON Feed
                               (version 1.1)
GET /qa/feed.xml[?category=]   the same as RSS 2.0

A category chosen takes in everything filed under it, at any level (an answer filed under
城乡建设 / 住房保障 / 公租房 is listed under 城乡建设), in the list, its search and its feeds alike.

Answered suggestions (`feedback.publication`) are listed beside the answers (searched by the same
query, in the same category), each in the words an editor wrote for everyone: the suggestion, the
answer, the category, the district, the answering unit and the date; never the citizen's name,
number, address or words, nor the ticket's number.

One address may ask these PORTAL["PAGES_PER_HOUR"] times an hour, with the portal's forms (429 with
Retry-After beyond; web/portal.py, `admit`): the search runs a query per request.

Only the title, the answer, the category and the date are shown: never the other phrasings (a
caller's words), the owner's staff or the tickets an article came from. The numbers in an answer
are masked as a last guard (the reviewer who made it public is the first) by the rule for texts
staff write for publication (`feedback.disclosure.staff_text`, `core.phone.mask_numbers`): the
office lines an answer gives (the directory's, or a fixed line given as 咨询电话/联系电话…) are
kept; mobiles, identity-card numbers and the numbers of the citizens it came from are masked.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from hotline.core.api import without_control_characters
from hotline.core.phone import numbers_in
from hotline.feedback.disclosure import official_lines, staff_text
from hotline.feedback.models import PublishedSuggestion
from hotline.feedback.publication import find_published, public
from hotline.intake import limits
from hotline.knowledge.models import Article
from hotline.knowledge.search import search, usable
from hotline.taxonomy.models import Category
from hotline.taxonomy.selectors import category_and_below
from hotline.web.dispatch import paginate
from hotline.web.params import parse_id
from hotline.web.portal import limited_per_address

FEED_SIZE = 50
MAX_AGE = 300


def published() -> QuerySet[Article]:
    return usable().filter(public=True).select_related("category", "source_ticket")


def _category(value: str | None) -> Category | None:
    category_id = parse_id(value)
    return Category.objects.filter(pk=category_id).first() if category_id is not None else None


def _answer(article: Article, official: list[str] | None = None) -> str:
    """The article's answer as the public reads it: office lines kept, citizens' numbers masked
    (those of the consultation it came from and of the caller's words kept with it)."""
    return staff_text(
        article.body, article.source_ticket, also_citizens=numbers_in(article.question), official=official
    )


def _shown(article: Article, official: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "body": _answer(article, official),
        "category": article.category.path if article.category else "",
        "updated_at": article.updated_at,
        "url": reverse("qa_article", args=[article.pk]),
        "feed_id": str(article.pk),
    }


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    category = _category(request.GET.get("category"))
    roots = Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")
    context: dict[str, Any] = {"q": text, "category": category, "categories": roots, "hits": None}
    lines = official_lines()
    context["suggestions"] = [_suggestion(s, lines) for s in _suggestions(text, category)]
    if text:
        hits = search(text, category=category, limit=20, public=True)
        context["hits"] = [_shown(h.article, lines) for h in hits]
        return render(request, "web/qa_list.html", context)
    articles = _in_category(published(), category)
    page = paginate(request, articles.order_by("-updated_at", "-pk"))
    page["rows"] = [_shown(a, lines) for a in page["rows"]]
    return render(request, "web/qa_list.html", {**context, **page})


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_article(request: HttpRequest, article_id: int) -> HttpResponse:
    article = published().filter(pk=article_id).first()
    if article is None:
        return render(request, "web/qa_missing.html", status=404)
    return render(request, "web/qa_article.html", {"a": _shown(article)})


def _in_category[Q: QuerySet[Any]](rows: Q, category: Category | None) -> Q:
    """The rows filed under `category` at any level; all of them when there is none."""
    return rows if category is None else rows.filter(category_id__in=category_and_below(category.pk))


def _newest(category: Category | None = None) -> list[dict[str, Any]]:
    """The newest answers and answered suggestions together (under `category` when given), the
    newest first."""
    lines = official_lines()
    newest = _in_category(published(), category).order_by("-updated_at", "-pk")[:FEED_SIZE]
    answers = [_shown(a, lines) for a in newest]
    suggestions = [_suggestion(s, lines) for s in _in_category(public(), category)[:FEED_SIZE]]
    return sorted([*answers, *suggestions], key=lambda a: a["updated_at"], reverse=True)[:FEED_SIZE]


def _address(request: HttpRequest, name: str, category: Category | None) -> str:
    """The absolute address of the page or feed `name`, in `category` when one is chosen."""
    path = reverse(name) + (f"?category={category.pk}" if category is not None else "")
    return request.build_absolute_uri(path)


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_feed_json(request: HttpRequest) -> JsonResponse:
    category = _category(request.GET.get("category"))
    home = _address(request, "qa", category)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _("百问百答"),
        "home_page_url": home,
        "feed_url": _address(request, "qa_feed_json", category),
        "language": "zh-CN",
        "items": [
            {
                "id": a["feed_id"],
                "url": request.build_absolute_uri(a["url"]),
                "title": a["title"],
                "content_text": a["body"],
                "date_modified": a["updated_at"].isoformat(),
                "tags": [a["category"]] if a["category"] else [],
            }
            for a in _newest(category)
        ],
    }
    return JsonResponse(feed, json_dumps_params={"ensure_ascii": False}, content_type="application/feed+json")


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_feed_rss(request: HttpRequest) -> HttpResponse:
    category = _category(request.GET.get("category"))
    feed = Rss201rev2Feed(
        title=_("百问百答"),
        link=_address(request, "qa", category),
        description=_("12345 热线对市民常见问题的答复"),
        language="zh-cn",
        feed_url=_address(request, "qa_feed_rss", category),
    )
    for a in _newest(category):
        # XML 1.0 cannot carry control characters; the pages refuse them, yet one written before
        # they did must not fail the feed for every reader.
        feed.add_item(
            title=without_control_characters(a["title"]),
            link=request.build_absolute_uri(a["url"]),
            description=without_control_characters(a["body"]),
            unique_id=a["feed_id"],
            updateddate=a["updated_at"],
            pubdate=a["updated_at"],
            categories=[without_control_characters(a["category"])] if a["category"] else [],
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


# --- answered suggestions (feedback.publication) ------------------------------------------------------

SUGGESTIONS_SHOWN = 10


def _suggestions(text: str, category: Category | None) -> list[PublishedSuggestion]:
    """The answered suggestions the list shows: those found by the query, else the newest."""
    if text:
        return find_published(text, category=category, limit=SUGGESTIONS_SHOWN)
    return list(_in_category(public(), category)[:SUGGESTIONS_SHOWN])


def _suggestion(s: PublishedSuggestion, official: list[str] | None = None) -> dict[str, Any]:
    """A published suggestion as the public reads it; its numbers masked as an answer's, as a last
    guard (the editor wrote it, and publishing refused personal data already)."""
    question = staff_text(s.question, s.ticket, official=official)
    answer = staff_text(s.answer, s.ticket, official=official)
    return {
        "id": s.pk,
        "title": s.title,
        "question": question,
        "answer": answer,
        # What a feed carries as the item's text: the suggestion, then its answer.
        "body": _("%(question)s\n\n答复：%(answer)s") % {"question": question, "answer": answer},
        "category": s.category.path if s.category else "",
        "district": s.district.name if s.district else "",
        "department": s.department.name if s.department else "",
        "updated_at": s.published_at,
        "url": reverse("qa_suggestion", args=[s.pk]),
        "feed_id": f"suggestion-{s.pk}",
    }


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_suggestion(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    found = public().filter(pk=suggestion_id).first()
    if found is None:
        return render(request, "web/qa_missing.html", status=404)
    return render(request, "web/qa_suggestion.html", {"s": _suggestion(found)})
