"""The only code that changes the knowledge base: write, edit, submit, review and retire articles,
propose them from answered consultations, and answer a consultation from one.

    proposed ─┐                    ┌─> published ──> retired
    draft ────┴─ submit ─> review ─┤      │ edit by a reviewer: stays published, a new version
                                   └─> draft (sent back)  edit by anyone else: back to review

Each save keeps a version (`ArticleVersion`) and rewrites the article's words for the search
(`knowledge.text.tokens`, the `Term` counts). Every action, the reviews and each answer given from
an article write one `ArticleEvent` (who, when, which version, from and to which status, the note):
the knowledge base's log, as the timeline is the ticket's. Department staff write and edit the articles their
department owns; dispatchers, supervisors and admins review and publish (`ACTION_ROLES`
"edit_article", "review_article"). Every action is one transaction; a refused one changes nothing.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, department_scope, require_role
from hotline.core import clock, timerange
from hotline.core.enums import ArticleAction, ArticleStatus, Kind, Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput, NotFound
from hotline.directory.models import Department
from hotline.feedback.actions import do_answer_on_spot, do_close_ticket
from hotline.feedback.models import Callback
from hotline.feedback.quality import substance
from hotline.knowledge.models import Article, ArticleEvent, ArticleUse, ArticleVersion, Term
from hotline.knowledge.search import usable
from hotline.knowledge.text import tokens
from hotline.taxonomy.models import Category
from hotline.tickets.models import Ticket

A = ArticleStatus
MAX_TITLE = 200
MAX_BODY = 20_000


@dataclass
class ArticleData:
    """What a person writes of an article."""

    title: str
    body: str
    question: str = ""
    category_id: int | None = None
    area_id: int | None = None
    owner_id: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    public: bool = False

    def clean(self) -> "ArticleData":
        """The same data with text trimmed; InvalidInput naming every field that is wrong."""
        self.title, self.body, self.question = self.title.strip(), self.body.strip(), self.question.strip()
        problems = []
        if not self.title:
            problems.append(_("title: 标题不能为空"))
        elif len(self.title) > MAX_TITLE:
            problems.append(_("title: 标题不能超过 %(n)d 字") % {"n": MAX_TITLE})
        if not self.body:
            problems.append(_("body: 答复口径不能为空"))
        elif len(self.body) > MAX_BODY:
            problems.append(_("body: 答复口径不能超过 %(n)d 字") % {"n": MAX_BODY})
        if len(self.question) > MAX_BODY:
            problems.append(_("question: 常见问法不能超过 %(n)d 字") % {"n": MAX_BODY})
        # The database holds the range too: out of it, a row would not even be stored.
        for name, day in (("valid_from", self.valid_from), ("valid_until", self.valid_until)):
            if day is not None and not timerange.day_in_range(day):
                problems.append(f"{name}: {timerange.range_message()}")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            problems.append(_("valid_until: 失效日期不能早于生效日期"))
        if self.category_id is not None and not Category.objects.filter(pk=self.category_id).exists():
            problems.append(_("category_id: 分类 %(id)s 不存在") % {"id": self.category_id})
        for name, pk in (("area_id", self.area_id), ("owner_id", self.owner_id)):
            if pk is not None and not Department.objects.filter(pk=pk).exists():
                problems.append(_("%(field)s: 单位 %(id)s 不存在") % {"field": name, "id": pk})
        if problems:
            # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
            raise InvalidInput(_("；").join(problems))
        return self


def _may_edit(actor: User, owner_id: int | None) -> None:
    """Department staff edit only what their department (or one under it) owns."""
    require_role(actor, "edit_article")
    if actor.role in ACTION_ROLES["review_article"]:
        return
    scope = department_scope(actor)
    if scope is not None and (owner_id is None or owner_id not in scope):
        raise Forbidden(_("只能编辑本单位负责的知识"))


def _locked(article: Article) -> Article:
    found = Article.objects.select_for_update().filter(pk=article.pk).first()
    if found is None:
        raise NotFound(_("知识 %(id)s 不存在") % {"id": article.pk})
    return found


def _words(article: Article) -> set[str]:
    return set(f"{article.title_tokens} {article.question_tokens} {article.body_tokens}".split())


def _count(words: Iterable[str], step: int) -> None:
    """Add `step` to the count of each word (creating the words not yet known)."""
    words = [w for w in set(words) if len(w) <= 64]
    if not words:
        return
    Term.objects.bulk_create([Term(word=w, articles=0) for w in words], ignore_conflicts=True)
    Term.objects.filter(word__in=words).update(articles=F("articles") + step)


def _index(article: Article, before: set[str] | None) -> None:
    """Rewrite the article's words and the counts of the words that came and went."""
    article.title_tokens = tokens(article.title)
    article.question_tokens = tokens(article.question)
    article.body_tokens = tokens(article.body)
    after = _words(article)
    if before is None:
        _count([*after, ""], +1)  # "" counts the articles
    else:
        _count(after - before, +1)
        _count(before - after, -1)


def _apply(article: Article, data: ArticleData) -> None:
    for name in ("title", "body", "question", "category_id", "area_id", "owner_id"):
        setattr(article, name, getattr(data, name))
    article.valid_from, article.valid_until, article.public = data.valid_from, data.valid_until, data.public


def _version(article: Article, actor: User | None, note: str, at: datetime) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        question=article.question,
        body=article.body,
        category_id=article.category_id,
        valid_from=article.valid_from,
        valid_until=article.valid_until,
        note=note[:500],
        edited_by=actor,
        edited_at=at,
    )


def _log(
    article: Article,
    action: str,
    actor: User | None,
    at: datetime,
    *,
    from_status: str = "",
    note: str = "",
    ticket: Ticket | None = None,
) -> ArticleEvent:
    """One line of the knowledge base's log (the only place that writes `ArticleEvent`)."""
    return ArticleEvent.objects.create(
        article=article,
        action=action,
        version=article.version,
        from_status=from_status,
        to_status=article.status,
        actor=actor,
        at=at,
        note=note.strip()[:500],
        ticket=ticket,
    )


def do_create_article(
    actor: User | None,
    data: ArticleData,
    *,
    status: str = A.DRAFT,
    source_ticket: Ticket | None = None,
    note: str = "",
) -> Article:
    """A new article (version 1). `actor` None: written by the system (a proposal)."""
    data.clean()
    if actor is not None:
        if data.owner_id is None and actor.department_id is not None:
            data.owner_id = actor.department_id
        _may_edit(actor, data.owner_id)
        if status == A.PUBLISHED:
            require_role(actor, "review_article")
    now = clock.now()
    with transaction.atomic():
        article = Article(
            status=status, source_ticket=source_ticket, created_by=actor, created_at=now, updated_at=now
        )
        _apply(article, data)
        if status == A.PUBLISHED:
            _published(article, actor, now)
        _index(article, None)
        article.save()
        _version(article, actor, note or _("新建"), now)
        action = ArticleAction.PROPOSE if status == A.PROPOSED else ArticleAction.CREATE
        _log(article, action, actor, now, note=note, ticket=source_ticket)
    return article


def do_edit_article(article: Article, actor: User, data: ArticleData, *, note: str = "") -> Article:
    """Change an article: a new version. A published article edited by someone who may not
    review goes back to review (and out of the operators' search until it is approved)."""
    data.clean()
    with transaction.atomic():
        article = _locked(article)
        _may_edit(actor, article.owner_id)
        if data.owner_id is None:  # not given: the owner stays
            data.owner_id = article.owner_id
        if data.owner_id != article.owner_id:
            _may_edit(actor, data.owner_id)
        if article.status == A.RETIRED:
            raise ActionNotAllowed(_("已停用的知识不能再编辑"))
        before, was = _words(article), article.status
        _apply(article, data)
        _index(article, before)
        now = clock.now()
        article.version += 1
        article.updated_at = now
        if article.status == A.PUBLISHED and actor.role not in ACTION_ROLES["review_article"]:
            article.status = A.REVIEW
        elif article.status == A.PROPOSED:
            article.status = A.DRAFT
        article.save()
        _version(article, actor, note, now)
        _log(article, ArticleAction.EDIT, actor, now, from_status=was, note=note)
    return article


def do_submit_article(article: Article, actor: User) -> Article:
    """A draft or a proposal goes to review (送审)."""
    with transaction.atomic():
        article = _locked(article)
        _may_edit(actor, article.owner_id)
        if article.status not in (A.DRAFT, A.PROPOSED):
            raise ActionNotAllowed(
                _("状态为“%(status)s”的知识不能送审") % {"status": A(article.status).label}
            )
        was, article.status = article.status, A.REVIEW
        article.updated_at = clock.now()
        article.save(update_fields=["status", "updated_at"])
        _log(article, ArticleAction.SUBMIT, actor, article.updated_at, from_status=was)
    return article


def _published(article: Article, actor: User | None, at: datetime) -> None:
    article.status = A.PUBLISHED
    article.reviewed_by = actor
    article.reviewed_at = at
    article.review_due = clock.localtime(at).date() + timedelta(
        days=settings.HOTLINE["KNOWLEDGE"]["REVIEW_DAYS"]
    )


def do_review_article(
    article: Article, actor: User, *, approve: bool, note: str = "", public: bool | None = None
) -> Article:
    """Publish an article in review (审核通过), or send it back to its author as a draft. A
    reviewer may also publish a draft or a proposal directly. `public`: whether the published
    article also stands on the public 百问百答 (None: as it was written)."""
    require_role(actor, "review_article")
    with transaction.atomic():
        article = _locked(article)
        if article.status not in (A.REVIEW, A.DRAFT, A.PROPOSED):
            raise ActionNotAllowed(
                _("状态为“%(status)s”的知识无需审核") % {"status": A(article.status).label}
            )
        now, was = clock.now(), article.status
        if approve:
            if public is not None:
                article.public = public
            _published(article, actor, now)
        else:
            article.status = A.DRAFT
        article.updated_at = now
        article.save()
        action = ArticleAction.APPROVE if approve else ArticleAction.RETURN
        _log(article, action, actor, now, from_status=was, note=note)
        if note.strip():
            ArticleVersion.objects.filter(article=article, number=article.version).update(
                note=(_("审核通过：%(note)s") if approve else _("退回修改：%(note)s"))
                % {"note": note.strip()[:400]}
            )
    return article


def do_retire_article(article: Article, actor: User, *, note: str = "") -> Article:
    """Take an article out of use (停用): no longer searched nor shown; its versions stay."""
    with transaction.atomic():
        article = _locked(article)
        _may_edit(actor, article.owner_id)
        if article.status == A.RETIRED:
            raise ActionNotAllowed(_("该知识已停用"))
        was, article.status = article.status, A.RETIRED
        article.updated_at = clock.now()
        article.save(update_fields=["status", "updated_at"])
        _log(article, ArticleAction.RETIRE, actor, article.updated_at, from_status=was, note=note)
        if note.strip():
            ArticleVersion.objects.filter(article=article, number=article.version).update(
                note=_("停用：%(note)s") % {"note": note.strip()[:400]}
            )
    return article


def answer_on_spot(ticket: Ticket, actor: User, *, text: str, article_id: int | None = None) -> Ticket:
    """The operator answers a consultation on the spot (`feedback.actions.do_answer_on_spot`),
    from a knowledge-base article when `article_id` names one: the article must be usable today,
    and its use is recorded (`ArticleUse`: which article, which version, which answer)."""
    with transaction.atomic():
        article = None
        if article_id is not None:
            article = usable().filter(pk=article_id).first()
            if article is None:
                raise InvalidInput(
                    _("article_id: 知识 %(id)s 不存在、未发布或不在有效期内") % {"id": article_id}
                )
        named = (article.pk, article.version, article.title) if article is not None else None
        ticket = do_answer_on_spot(ticket, actor, text=text, article=named)
        if article is not None:
            reply = ticket.replies.order_by("-pk").first()
            assert reply is not None
            ArticleUse.objects.create(
                article=article,
                version=article.version,
                ticket=ticket,
                reply=reply,
                used_by=actor,
                used_at=reply.replied_at,
            )
            _log(
                article,
                ArticleAction.USE,
                actor,
                reply.replied_at,
                from_status=article.status,
                ticket=ticket,
            )
    return ticket


# --- proposals from answered consultations ---------------------------------------------------------

_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{17}[\dXx])(?!\d)")


def scrub(text: str) -> str:
    """Phone and identity-card numbers out of a citizen's words: an article may be published."""
    return _PHONE.sub("***", text)


def _satisfied() -> QuerySet[Callback]:
    return Callback.objects.filter(
        counted=True, reopened=False, satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY]
    )


def _proposable(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The closed consultations among `tickets` whose counted callback satisfied the caller, not
    answered from an article and not proposed yet."""
    return (
        tickets.filter(kind=Kind.CONSULTATION, status=TicketStatus.CLOSED)
        .filter(pk__in=_satisfied().values("ticket_id"))
        .exclude(pk__in=Article.objects.filter(source_ticket__isnull=False).values("source_ticket_id"))
        .exclude(pk__in=ArticleUse.objects.values("ticket_id"))
    )


def _propose(ticket: Ticket) -> Article | None:
    reply = ticket.replies.order_by("-pk").first()
    if reply is None or not reply.text.strip():
        return None
    data = ArticleData(
        title=ticket.title[:MAX_TITLE] or reply.text[:30],
        # The answer, not the letter it came in (greeting, acknowledgement, contact, signature).
        body=substance(reply.text)[:MAX_BODY],
        question=scrub(ticket.content)[:MAX_BODY],
        category_id=ticket.category_id,
        owner_id=reply.department_id,
    )
    return do_create_article(
        None,
        data,
        status=A.PROPOSED,
        source_ticket=ticket,
        note=_("由咨询工单 %(number)s 生成") % {"number": ticket.number},
    )


def propose_from_consultations(since: datetime, until: datetime | None = None) -> list[Article]:
    """An article proposed (status `proposed`, written by the system) for each consultation
    closed in the period whose answer satisfied the caller (the counted callback: 满意 or 基本满意),
    that was not answered from an article already and proposed nothing yet. Title: the
    consultation's; other phrasings: the caller's words (numbers scrubbed); body: the answer
    given; owner: the department that answered, category: the ticket's. A person reviews it.
    Closing through `close_ticket` proposes at once; this catches the rest (a backlog, a ticket
    closed another way): `hotline knowledge propose`."""
    closed = Ticket.objects.filter(closed_at__gte=since)
    if until is not None:
        closed = closed.filter(closed_at__lt=until)
    proposed = []
    for ticket in _proposable(closed).order_by("closed_at", "pk"):
        article = _propose(ticket)
        if article is not None:
            proposed.append(article)
    return proposed


def close_ticket(ticket: Ticket, actor: User, *, note: str = "") -> Ticket:
    """Close a ticket (`feedback.actions.do_close_ticket`, 办结) and, in the same transaction, when
    it is a consultation whose answer satisfied the caller and came from no article, propose an
    article from it (`propose_from_consultations`' rules) for a reviewer at /knowledge/?status=proposed.
    The closing is the ticket's; the proposal is the system's (no author), logged as such."""
    with transaction.atomic():
        ticket = do_close_ticket(ticket, actor, note=note)
        if _proposable(Ticket.objects.filter(pk=ticket.pk)).exists():
            _propose(ticket)
    return ticket


def recount_terms() -> int:
    """Count every article's words anew (after a bulk load, or a change of the segmentation's
    dictionary): the `Term` table rebuilt in one transaction. Returns the number of words."""
    counts: Counter[str] = Counter()
    total = 0
    rows = Article.objects.values_list("title_tokens", "question_tokens", "body_tokens")
    for title, question, body in rows.iterator(chunk_size=2000):
        counts.update(set(f"{title} {question} {body}".split()))
        total += 1
    counts[""] = total
    with transaction.atomic():
        Term.objects.all().delete()
        Term.objects.bulk_create(
            [Term(word=w, articles=n) for w, n in counts.items() if len(w) <= 64], batch_size=5000
        )
    return len(counts)


def due_for_review(today: date | None = None) -> Q:
    """Published articles whose periodic review (复审) is due."""
    return Q(status=A.PUBLISHED, review_due__lte=today or clock.localtime().date())
