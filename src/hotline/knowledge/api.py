"""The knowledge base (知识库) in the API.

GET  /api/v1/knowledge/search?q=&category=&limit=       the usable articles that answer a question
GET  /api/v1/knowledge/articles?status=&category=       articles, newest first (those who write or
                                                        review see every status; others the usable)
GET  /api/v1/knowledge/articles/{id}
POST /api/v1/knowledge/articles                          write one (a draft)            201
PUT  /api/v1/knowledge/articles/{id}                     edit it: a new version
POST /api/v1/knowledge/articles/{id}/submit              to review
POST /api/v1/knowledge/articles/{id}/review              {approve, note}: publish or send back (with
                                                        the reason), by a reviewer who wrote none of it
POST /api/v1/knowledge/articles/{id}/retire              {note}: the reason

An edit of a published article (PUT) waits beside it for review (`pending_version`); the article
keeps its approved text until then.

Answering a consultation from an article: POST /api/v1/tickets/{id}/actions/answer_on_spot with
`article_id`. Every change goes through `knowledge.actions`.
"""

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from hotline.accounts.auth import request_user
from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.core import timerange
from hotline.core.api import (
    ERRORS,
    MAX_ID,
    MAX_PAGE_SIZE,
    CategoryRef,
    DepartmentRef,
    Id,
    InSchema,
    LocalDateTime,
    NoNul,
    Note,
    SearchText,
    bounded,
    category_ref,
    department_ref,
)
from hotline.core.enums import ArticleStatus
from hotline.core.errors import NotFound
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleData
from hotline.knowledge.models import Article
from hotline.knowledge.search import search, usable
from hotline.taxonomy.models import Category

router = Router(tags=["knowledge"])

Title = Annotated[str, bounded(200), NoNul]
Text = Annotated[str, bounded(20_000), NoNul]
OptionalText = Annotated[str, bounded(20_000, required=False), NoNul]


def _day_in_range(value: date) -> date:
    if not timerange.day_in_range(value):
        raise PydanticCustomError("date_range", timerange.range_message())
    return value


# A validity date: within core.timerange's range, which the database holds too (422 otherwise).
InDay = Annotated[date, AfterValidator(_day_in_range)]


class ArticleIn(InSchema):
    title: Title
    body: Text
    question: OptionalText = Field("", description="other ways people ask; searched, not shown")
    category_id: Id | None = None
    area_id: Id | None = None
    owner_id: Id | None = Field(None, description="default: the writer's department")
    valid_from: InDay | None = None
    valid_until: InDay | None = None
    public: bool = Field(False, description="shown on the public Q&A page (百问百答)")
    note: Annotated[str, bounded(500, required=False), NoNul] = Field("", description="what changed")


class ReviewIn(InSchema):
    approve: bool
    note: Note = ""


class NoteIn(InSchema):
    note: Note = ""


class ArticleOut(Schema):
    id: int
    title: str
    question: str
    body: str
    category: CategoryRef | None
    area: DepartmentRef | None
    owner: DepartmentRef | None
    valid_from: date | None
    valid_until: date | None
    status: ArticleStatus
    public: bool
    version: int = Field(description="the version of this text (published: the approved one in use)")
    pending_version: int | None = Field(
        description="an edit of the published article waiting beside it (its text: the article's page)"
    )
    pending_status: ArticleStatus | None = Field(description="review, or draft when sent back")
    review_due: date | None
    reviewed_by: str | None
    reviewed_at: LocalDateTime | None
    source_ticket_id: int | None
    updated_at: LocalDateTime


class HitOut(Schema):
    article: ArticleOut
    score: float = Field(description="0-1: the share of the question's words, weighed by rarity, it contains")
    matched: list[str] = Field(description="the question's words found in the article")


class SearchFilters(Schema):
    q: SearchText = Field("", description="the question, as the caller asks it")
    category: Id | None = Field(None, description="that category and those under it")
    limit: int = Field(5, ge=1, le=50)


class ArticleFilters(Schema):
    status: ArticleStatus | None = None
    category: Id | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_ID)


class ArticlePage(Schema):
    count: int
    offset: int
    limit: int
    items: list[ArticleOut]


def _out(a: Article) -> ArticleOut:
    return ArticleOut(
        id=a.pk,
        title=a.title,
        question=a.question,
        body=a.body,
        category=category_ref(a.category),
        area=department_ref(a.area),
        owner=department_ref(a.owner),
        valid_from=a.valid_from,
        valid_until=a.valid_until,
        status=ArticleStatus(a.status),
        public=a.public,
        version=a.version,
        pending_version=a.pending_version,
        pending_status=ArticleStatus(a.pending_status) if a.pending_status else None,
        review_due=a.review_due,
        reviewed_by=a.reviewed_by.username if a.reviewed_by else None,
        reviewed_at=a.reviewed_at,
        source_ticket_id=a.source_ticket_id,
        updated_at=a.updated_at,
    )


def _writes(user: User) -> bool:
    return user.role in ACTION_ROLES["edit_article"]


def _visible(user: User, article_id: int) -> Article:
    articles = Article.objects.all() if _writes(user) else usable()
    found = articles.select_related("category", "area", "owner", "reviewed_by").filter(pk=article_id).first()
    if found is None:
        raise NotFound(_("知识 %(id)s 不存在") % {"id": article_id})
    return found


def _data(payload: ArticleIn) -> ArticleData:
    return ArticleData(
        title=payload.title,
        body=payload.body,
        question=payload.question,
        category_id=payload.category_id,
        area_id=payload.area_id,
        owner_id=payload.owner_id,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        public=payload.public,
    )


@router.get("/search", response={200: list[HitOut], **ERRORS}, summary="Search the knowledge base")
def search_articles(request: HttpRequest, filters: Query[SearchFilters]) -> list[HitOut]:
    request_user(request)
    category = None
    if filters.category is not None:
        category = Category.objects.filter(pk=filters.category).first()
        if category is None:
            raise NotFound(_("分类 %(id)s 不存在") % {"id": filters.category})
    hits = search(filters.q, category=category, limit=filters.limit)
    return [HitOut(article=_out(h.article), score=h.score, matched=list(h.matched)) for h in hits]


@router.get("/articles", response={200: ArticlePage, **ERRORS}, summary="List articles")
def list_articles(request: HttpRequest, filters: Query[ArticleFilters]) -> ArticlePage:
    user = request_user(request)
    rows = Article.objects.all() if _writes(user) else usable()
    if filters.status is not None:
        rows = rows.filter(status=filters.status.value)
    if filters.category is not None:
        rows = rows.filter(category_id=filters.category)
    rows = rows.select_related("category", "area", "owner", "reviewed_by").order_by("-updated_at", "-pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return ArticlePage(
        count=rows.count(), offset=filters.offset, limit=filters.limit, items=[_out(a) for a in page]
    )


@router.get("/articles/{article_id}", response={200: ArticleOut, **ERRORS}, summary="One article")
def get_article(request: HttpRequest, article_id: Id) -> ArticleOut:
    return _out(_visible(request_user(request), article_id))


@router.post("/articles", response={201: ArticleOut, **ERRORS}, summary="Write an article (a draft)")
def create_article(request: HttpRequest, payload: ArticleIn) -> Status[ArticleOut]:
    user = request_user(request)
    article = actions.do_create_article(user, _data(payload), note=payload.note)
    return Status(201, _out(_visible(user, article.pk)))


@router.put("/articles/{article_id}", response={200: ArticleOut, **ERRORS}, summary="Edit an article")
def edit_article(request: HttpRequest, article_id: Id, payload: ArticleIn) -> ArticleOut:
    user = request_user(request)
    article = actions.do_edit_article(_visible(user, article_id), user, _data(payload), note=payload.note)
    return _out(_visible(user, article.pk))


@router.post(
    "/articles/{article_id}/submit", response={200: ArticleOut, **ERRORS}, summary="Submit for review"
)
def submit_article(request: HttpRequest, article_id: Id) -> ArticleOut:
    user = request_user(request)
    return _out(_visible(user, actions.do_submit_article(_visible(user, article_id), user).pk))


@router.post(
    "/articles/{article_id}/review", response={200: ArticleOut, **ERRORS}, summary="Publish or send back"
)
def review_article(request: HttpRequest, article_id: Id, payload: ReviewIn) -> ArticleOut:
    user = request_user(request)
    done = actions.do_review_article(
        _visible(user, article_id), user, approve=payload.approve, note=payload.note
    )
    return _out(_visible(user, done.pk))


@router.post(
    "/articles/{article_id}/retire", response={200: ArticleOut, **ERRORS}, summary="Retire an article"
)
def retire_article(request: HttpRequest, article_id: Id, payload: NoteIn | None = None) -> ArticleOut:
    user = request_user(request)
    done = actions.do_retire_article(_visible(user, article_id), user, note=payload.note if payload else "")
    return _out(_visible(user, done.pk))
