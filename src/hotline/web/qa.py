"""百问百答: the public page of the knowledge base's answers, and its feeds. No sign-in.

GET /qa/[?q=&category=]   the articles published for everyone (public, published, valid today):
                          searched when asked, else the newest first
GET /qa/<id>/             one answer
GET /qa/feed.json         the newest 50 as a JSON Feed (version 1.1)
GET /qa/feed.xml          the same as RSS 2.0

One address may ask these PORTAL["PAGES_PER_HOUR"] times an hour, with the portal's forms (429 with
Retry-After beyond; web/portal.py, `admit`): the search runs a query per request.

Only the title, the answer, the category and the date are shown: never the other phrasings (a
caller's words), the owner's staff or the tickets an article came from. Phone and identity-card
numbers in an answer are masked as a last guard; the reviewer who made it public is the first.
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

from hotline.intake import limits
from hotline.knowledge.actions import scrub
from hotline.knowledge.models import Article
from hotline.knowledge.search import search, usable
from hotline.taxonomy.models import Category
from hotline.web.dispatch import paginate
from hotline.web.params import parse_id
from hotline.web.portal import limited_per_address

FEED_SIZE = 50
MAX_AGE = 300


def published() -> QuerySet[Article]:
    return usable().filter(public=True).select_related("category")


def _category(value: str | None) -> Category | None:
    category_id = parse_id(value)
    return Category.objects.filter(pk=category_id).first() if category_id is not None else None


def _shown(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "body": scrub(article.body),
        "category": article.category.path if article.category else "",
        "updated_at": article.updated_at,
    }


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    category = _category(request.GET.get("category"))
    roots = Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")
    context: dict[str, Any] = {"q": text, "category": category, "categories": roots, "hits": None}
    if text:
        context["hits"] = [_shown(h.article) for h in search(text, category=category, limit=20, public=True)]
        return render(request, "web/qa_list.html", context)
    articles = published()
    if category is not None:
        articles = articles.filter(category__in=[category, *category.children.all()])
    page = paginate(request, articles.order_by("-updated_at", "-pk"))
    page["rows"] = [_shown(a) for a in page["rows"]]
    return render(request, "web/qa_list.html", {**context, **page})


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_article(request: HttpRequest, article_id: int) -> HttpResponse:
    article = published().filter(pk=article_id).first()
    if article is None:
        return render(request, "web/qa_missing.html", status=404)
    return render(request, "web/qa_article.html", {"a": _shown(article)})


def _newest() -> list[dict[str, Any]]:
    return [_shown(a) for a in published().order_by("-updated_at", "-pk")[:FEED_SIZE]]


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_feed_json(request: HttpRequest) -> JsonResponse:
    home = request.build_absolute_uri(reverse("qa"))
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _("百问百答"),
        "home_page_url": home,
        "feed_url": request.build_absolute_uri(reverse("qa_feed_json")),
        "language": "zh-CN",
        "items": [
            {
                "id": str(a["id"]),
                "url": request.build_absolute_uri(reverse("qa_article", args=[a["id"]])),
                "title": a["title"],
                "content_text": a["body"],
                "date_modified": a["updated_at"].isoformat(),
                "tags": [a["category"]] if a["category"] else [],
            }
            for a in _newest()
        ],
    }
    return JsonResponse(feed, json_dumps_params={"ensure_ascii": False}, content_type="application/feed+json")


@require_GET
@limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")
@cache_control(public=True, max_age=MAX_AGE)
def qa_feed_rss(request: HttpRequest) -> HttpResponse:
    feed = Rss201rev2Feed(
        title=_("百问百答"),
        link=request.build_absolute_uri(reverse("qa")),
        description=_("12345 热线对市民常见问题的答复"),
        language="zh-cn",
        feed_url=request.build_absolute_uri(reverse("qa_feed_rss")),
    )
    for a in _newest():
        feed.add_item(
            title=a["title"],
            link=request.build_absolute_uri(reverse("qa_article", args=[a["id"]])),
            description=a["body"],
            unique_id=str(a["id"]),
            updateddate=a["updated_at"],
            pubdate=a["updated_at"],
            categories=[a["category"]] if a["category"] else [],
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
