"""The only code that changes the knowledge base: write, edit, submit, review and retire articles,
propose them from answered consultations, and answer a consultation from one.

    proposed ─ edit ─> draft ─ submit ─> review ─┬─ approve ─> published ──> retired
                        ^                        │                │
                        └──── send back ─────────┘     edit: a new version waits beside
                                                       the approved one (pending_version),
                                                       in review; approve it: it replaces
                                                       the approved one; send it back: it
                                                       waits as a draft for its author

Each save keeps a version (`ArticleVersion`). A published article's row keeps the approved text,
which operators, the search and the public page go on reading while an edit of it waits for its
review; the search's words (`knowledge.text.tokens`, the `Term` counts) follow the row. Every
action, the reviews and each answer given from an article write one `ArticleEvent` (who, when,
which version, from and to which status, the note): the knowledge base's log, as the timeline is
the ticket's. Every action is one transaction; a refused one changes nothing.

Who does what. Department staff write and edit the articles their department owns; dispatchers,
supervisors and admins may edit any and review (`ACTION_ROLES` "edit_article", "review_article").
Four eyes: a version is approved or sent back by a reviewer who wrote none of what waits for the
review (the versions since the last approved one); an edit of a published article goes to review
whoever wrote it, a supervisor's too. The one exception is explicit, `PUBLISH_DIRECTLY`: the admin
(系统管理员), who loads a base at set-up (`hotline knowledge import --publish`, an article created
published) and may approve what they wrote. A proposal (the answer one caller was given) is edited
into a general answer before it may go to review (`knowledge.personal` shows what speaks of the
caller); a version whose validity has ended is not published; sending back and retiring say why.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, department_scope, require_role
from hotline.core import clock, timerange
from hotline.core.enums import ArticleAction, ArticleStatus, Kind, Role, Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput, NotFound
from hotline.directory.models import Department
from hotline.feedback.actions import do_answer_on_spot, do_close_ticket
from hotline.feedback.disclosure import citizen_text
from hotline.feedback.models import Callback
from hotline.feedback.quality import substance
from hotline.knowledge.models import (
    Article,
    ArticleAsk,
    ArticleEvent,
    ArticleUse,
    ArticleVersion,
    Term,
)
from hotline.knowledge.search import same_question, usable
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
        if problems := self.problems():
            # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
            raise InvalidInput(_("；").join(problems))
        return self

    def problems(self) -> list[str]:
        """Trim the text, and say what is wrong: each "field: what", the field by its name here
        (title, body, question, valid_from, valid_until, category_id, area_id, owner_id), which a
        caller reading a file names by the file's column instead (knowledge.imports)."""
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
        return problems


# Who may publish without a second person's review (see the module's docstring).
PUBLISH_DIRECTLY = frozenset({Role.ADMIN})
# The longest reason or review comment kept (a version's and the log's notes hold 500).
MAX_NOTE = 500


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


# What a version keeps of an article: all a person writes of it.
_WRITTEN = (
    "title",
    "body",
    "question",
    "category_id",
    "area_id",
    "owner_id",
    "valid_from",
    "valid_until",
    "public",
)


def _apply(target: Article | ArticleVersion, data: ArticleData | ArticleVersion) -> None:
    for name in _WRITTEN:
        setattr(target, name, getattr(data, name))


def _version(
    article: Article, actor: User | None, note: str, at: datetime, *, number: int | None = None
) -> ArticleVersion:
    """The article's row as a version (numbered `number`, else the row's)."""
    version = ArticleVersion(
        article=article,
        number=number or article.version,
        note=note.strip()[:MAX_NOTE],
        edited_by=actor,
        edited_at=at,
    )
    for name in _WRITTEN:
        setattr(version, name, getattr(article, name))
    version.save()
    return version


def _log(
    article: Article,
    action: str,
    actor: User | None,
    at: datetime,
    *,
    from_status: str = "",
    note: str = "",
    ticket: Ticket | None = None,
    version: int | None = None,
) -> ArticleEvent:
    """One line of the knowledge base's log (the only place that writes `ArticleEvent`)."""
    return ArticleEvent.objects.create(
        article=article,
        action=action,
        version=version or article.version,
        from_status=from_status,
        to_status=article.status,
        actor=actor,
        at=at,
        note=note.strip()[:MAX_NOTE],
        ticket=ticket,
    )


# --- what waits for a review -----------------------------------------------------------------------


def pending(article: Article) -> ArticleVersion | None:
    """The edit of a published article that waits beside it (in review or sent back), if any."""
    if article.pending_version is None:
        return None
    return (
        article.versions.select_related("edited_by", "reviewed_by", "category", "area", "owner")
        .filter(number=article.pending_version)
        .first()
    )


def under_review(article: Article) -> ArticleVersion | None:
    """The version a reviewer approves or sends back: a published article's edit in review, or
    the newest version of an article in review; None when nothing of it is in review."""
    if article.status == A.PUBLISHED and article.pending_status == A.REVIEW:
        return pending(article)
    if article.status == A.REVIEW:
        return article.versions.filter(number=article.version).first()
    return None


def authors(article: Article, version: ArticleVersion) -> set[int]:
    """Who wrote what waits for a review: the editors of the versions after the last approved one,
    up to `version` (a proposal's first version is the system's: no one)."""
    approved = (
        article.versions.filter(review=ArticleAction.APPROVE, number__lt=version.number).aggregate(
            last=Max("number")
        )["last"]
        or 0
    )
    rows = article.versions.filter(number__gt=approved, number__lte=version.number, edited_by__isnull=False)
    return set(rows.values_list("edited_by_id", flat=True))


def _reviewable(article: Article, actor: User) -> ArticleVersion:
    """The version `actor` may review now; refused with why."""
    require_role(actor, "review_article")
    version = under_review(article)
    if version is None:
        if article.status == A.PROPOSED:
            raise ActionNotAllowed(_("候选知识须先编辑改写为通用口径，送审后再由他人审核"))
        if article.status == A.DRAFT or article.pending_status == A.DRAFT:
            raise ActionNotAllowed(_("草稿须先送审，再由他人审核"))
        raise ActionNotAllowed(_("状态为“%(status)s”的知识无需审核") % {"status": A(article.status).label})
    if actor.role not in PUBLISH_DIRECTLY and actor.pk in authors(article, version):
        raise Forbidden(_("待审核的内容有您编写或修改的部分，须由另一位审核人审核"))
    return version


def _publishable(version: ArticleVersion, today: date | None = None) -> None:
    """A version whose validity has ended would be published for no one: refused."""
    today = today or clock.localtime().date()
    if version.valid_until is not None and version.valid_until < today:
        raise ActionNotAllowed(
            _("有效期已于 %(day)s 结束，发布后受理员和市民都看不到：请退回修改失效日期")
            % {"day": version.valid_until.isoformat()}
        )


def _reason(note: str, message: str) -> str:
    note = note.strip()
    if not note:
        raise InvalidInput(f"note: {message}")
    return note[:MAX_NOTE]


@dataclass(frozen=True)
class Offer:
    """What a user may do to an article now (its page shows only these), and, for a reviewer who
    may not review it, why (four eyes), or why it may not be published (its validity ended)."""

    edit: bool = False
    submit: bool = False
    review: bool = False
    retire: bool = False
    review_refused: str = ""
    publish_refused: str = ""


def offered(article: Article, user: User) -> Offer:
    """The actions valid in the article's state for `user`, as the actions themselves decide."""
    if article.status == A.RETIRED or user.role not in ACTION_ROLES["edit_article"]:
        return Offer()
    try:
        _may_edit(user, article.owner_id)
        edits = True
    except Forbidden:
        edits = False
    submit = edits and (article.status == A.DRAFT or article.pending_status == A.DRAFT)
    review, review_refused, publish_refused = False, "", ""
    if user.role in ACTION_ROLES["review_article"] and under_review(article) is not None:
        try:
            version = _reviewable(article, user)
            review = True
            _publishable(version)
        except Forbidden as error:
            review_refused = error.message
        except ActionNotAllowed as error:
            publish_refused = error.message
    return Offer(edits, submit, review, edits, review_refused, publish_refused)


# --- the actions -----------------------------------------------------------------------------------


def do_create_article(
    actor: User | None,
    data: ArticleData,
    *,
    status: str = A.DRAFT,
    source_ticket: Ticket | None = None,
    note: str = "",
) -> Article:
    """A new article (version 1), a draft. `actor` None: written by the system (a proposal, an
    import). Created published only by those who publish directly (`PUBLISH_DIRECTLY`, the
    system): everyone else's goes through review."""
    data.clean()
    if status not in (A.DRAFT, A.PROPOSED, A.PUBLISHED):
        raise ActionNotAllowed(_("状态为“%(status)s”的知识不能新建") % {"status": A(status).label})
    if actor is not None:
        if data.owner_id is None and actor.department_id is not None:
            data.owner_id = actor.department_id
        _may_edit(actor, data.owner_id)
        if status == A.PUBLISHED and actor.role not in PUBLISH_DIRECTLY:
            raise Forbidden(_("只有管理员可以直接发布知识；请保存为草稿并送审，由他人审核发布"))
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
        version = _version(article, actor, note or _("新建"), now)
        if status == A.PUBLISHED:  # published at once: approved by whoever published it
            _reviewed(version, ArticleAction.APPROVE, actor, now, "")
        action = ArticleAction.PROPOSE if status == A.PROPOSED else ArticleAction.CREATE
        _log(article, action, actor, now, note=note, ticket=source_ticket)
    return article


def check_editable(article: Article, actor: User) -> None:
    """Refuse, as `do_edit_article` would, an article that `actor` may not edit whatever the text:
    another unit's, or retired. The edit page asks before it offers its form."""
    _may_edit(actor, article.owner_id)
    if article.status == A.RETIRED:
        raise ActionNotAllowed(_("已停用的知识不能再编辑"))


def do_edit_article(article: Article, actor: User, data: ArticleData, *, note: str = "") -> Article:
    """Change an article: a new version. A published article keeps its approved text in use: the
    edit waits beside it, in review, whoever wrote it (`pending_version`). A proposal edited becomes
    a draft; a draft or an article in review takes the new text and keeps its status."""
    data.clean()
    with transaction.atomic():
        article = _locked(article)
        check_editable(article, actor)
        if data.owner_id is None:  # not given: the owner stays
            data.owner_id = article.owner_id
        if data.owner_id != article.owner_id:
            _may_edit(actor, data.owner_id)
        now, was = clock.now(), article.status
        newest = article.versions.aggregate(last=Max("number"))["last"] or article.version
        if article.status == A.PUBLISHED:
            version = ArticleVersion(
                article=article,
                number=newest + 1,
                note=note.strip()[:MAX_NOTE],
                edited_by=actor,
                edited_at=now,
            )
            _apply(version, data)
            version.save()
            article.pending_version, article.pending_status = version.number, A.REVIEW
            article.save(update_fields=["pending_version", "pending_status"])
            _log(article, ArticleAction.EDIT, actor, now, from_status=was, note=note, version=version.number)
            return article
        before = _words(article)
        _apply(article, data)
        _index(article, before)
        article.version = newest + 1
        article.updated_at = now
        if article.status == A.PROPOSED:
            article.status = A.DRAFT
        article.save()
        _version(article, actor, note, now)
        _log(article, ArticleAction.EDIT, actor, now, from_status=was, note=note)
    return article


def do_submit_article(article: Article, actor: User) -> Article:
    """A draft goes to review (送审): a new article's, or an edit of a published one sent back."""
    with transaction.atomic():
        article = _locked(article)
        _may_edit(actor, article.owner_id)
        now, was = clock.now(), article.status
        if article.status == A.PUBLISHED and article.pending_status == A.DRAFT:
            article.pending_status = A.REVIEW
            article.save(update_fields=["pending_status"])
            _log(article, ArticleAction.SUBMIT, actor, now, from_status=was, version=article.pending_version)
            return article
        if article.status == A.PROPOSED:
            raise ActionNotAllowed(
                _("候选知识是答给一位市民的答复，须先编辑改写为通用口径（去掉个人情况）再送审")
            )
        if article.status != A.DRAFT:
            raise ActionNotAllowed(
                _("状态为“%(status)s”的知识不能送审") % {"status": A(article.status).label}
            )
        article.status = A.REVIEW
        article.updated_at = now
        article.save(update_fields=["status", "updated_at"])
        _log(article, ArticleAction.SUBMIT, actor, now, from_status=was)
    return article


def _published(article: Article, actor: User | None, at: datetime) -> None:
    article.status = A.PUBLISHED
    article.reviewed_by = actor
    article.reviewed_at = at
    article.review_due = clock.localtime(at).date() + timedelta(
        days=settings.HOTLINE["KNOWLEDGE"]["REVIEW_DAYS"]
    )


def _reviewed(version: ArticleVersion, outcome: str, actor: User | None, at: datetime, note: str) -> None:
    version.review, version.review_note = outcome, note.strip()[:MAX_NOTE]
    version.reviewed_by, version.reviewed_at = actor, at
    version.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])


def do_review_article(
    article: Article, actor: User, *, approve: bool, note: str = "", public: bool | None = None
) -> Article:
    """Approve what is in review (审核通过): a new article is published; an edit of a published
    one replaces the approved text (and the search's words) with its own. Or send it back to its
    author (退回修改, with the reason): a new article becomes a draft again, an edit waits as a
    draft beside the published text, which stays in use. By a reviewer who wrote none of it
    (`authors`; `PUBLISH_DIRECTLY` excepted); a version whose validity ended is not published.
    The review (who, when, the outcome, the comment) is kept on the version, apart from the
    author's note, and in the log. `public`: whether the published article also stands on the
    public 百问百答 (None: as it was written)."""
    with transaction.atomic():
        article = _locked(article)
        version = _reviewable(article, actor)
        if not approve:
            note = _reason(note, _("退回修改须写明原因"))
        else:
            _publishable(version)
        now, was = clock.now(), article.status
        if approve:
            if article.pending_version is not None:  # the edit takes the approved text's place
                before = _words(article)
                _apply(article, version)
                _index(article, before)
                article.version = version.number
                article.pending_version, article.pending_status = None, ""
            if public is not None:
                article.public = public
                if version.public != public:
                    version.public = public
                    version.save(update_fields=["public"])
            _published(article, actor, now)
            article.updated_at = now
            article.save()
        elif article.pending_version is not None:
            article.pending_status = A.DRAFT
            article.save(update_fields=["pending_status"])
        else:
            article.status = A.DRAFT
            article.updated_at = now
            article.save(update_fields=["status", "updated_at"])
        outcome = ArticleAction.APPROVE if approve else ArticleAction.RETURN
        _reviewed(version, outcome, actor, now, note)
        _log(article, outcome, actor, now, from_status=was, note=note, version=version.number)
    return article


def do_retire_article(article: Article, actor: User, *, note: str = "") -> Article:
    """Take an article out of use (停用), with the reason: no longer searched nor shown; an edit
    that waited goes with it; its versions stay."""
    note = _reason(note, _("停用须写明原因"))
    with transaction.atomic():
        article = _locked(article)
        _may_edit(actor, article.owner_id)
        if article.status == A.RETIRED:
            raise ActionNotAllowed(_("该知识已停用"))
        was, article.status = article.status, A.RETIRED
        article.pending_version, article.pending_status = None, ""
        article.updated_at = clock.now()
        article.save(update_fields=["status", "pending_version", "pending_status", "updated_at"])
        _log(article, ArticleAction.RETIRE, actor, article.updated_at, from_status=was, note=note)
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


def _satisfied() -> QuerySet[Callback]:
    return Callback.objects.filter(
        counted=True, reopened=False, satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY]
    )


def _proposable(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The closed consultations among `tickets` whose counted callback satisfied the caller, not
    answered from an article and neither proposed nor counted as an ask of one yet."""
    return (
        tickets.filter(kind=Kind.CONSULTATION, status=TicketStatus.CLOSED)
        .filter(pk__in=_satisfied().values("ticket_id"))
        .exclude(pk__in=Article.objects.filter(source_ticket__isnull=False).values("source_ticket_id"))
        .exclude(pk__in=ArticleUse.objects.values("ticket_id"))
        .exclude(pk__in=ArticleAsk.objects.values("ticket_id"))
    )


def _propose(ticket: Ticket) -> Article | None:
    """A proposal from the consultation, or, when an article (published, or still open) answers
    the same question already (`knowledge.search.same_question`), one more ask of it (`ArticleAsk`)
    and no proposal."""
    reply = ticket.replies.order_by("-pk").first()
    if reply is None or not reply.text.strip():
        return None
    # The caller's words, kept as the article's other phrasings (an article may be published):
    # no number of theirs, however written (`feedback.disclosure.citizen_text`).
    content = citizen_text(ticket.content, ticket)
    same = same_question(ticket.title, content, category=ticket.category)
    if same is not None:
        ArticleAsk.objects.create(
            article=same.article, ticket=ticket, similarity=same.similarity, at=clock.now()
        )
        return None
    data = ArticleData(
        title=ticket.title[:MAX_TITLE] or reply.text[:30],
        # The answer, not the letter it came in (greeting, acknowledgement, contact, signature).
        body=substance(reply.text)[:MAX_BODY],
        question=content[:MAX_BODY],
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
    that was not answered from an article already and proposed nothing yet, unless an article
    answers the same question already (then the consultation counts as one more ask of it). Title:
    the consultation's; other phrasings: the caller's words (numbers masked); body: the answer
    given, written to that caller: an editor makes it general before it goes to review. Owner: the
    department that answered, category: the ticket's. Closing through `close_ticket` proposes at
    once; this catches the rest (a backlog, a ticket closed another way): `hotline knowledge
    propose`."""
    closed = Ticket.objects.filter(closed_at__gte=since)
    if until is not None:
        closed = closed.filter(closed_at__lt=until)
    proposed = []
    for ticket in _proposable(closed).select_related("category").order_by("closed_at", "pk"):
        article = _propose(ticket)
        if article is not None:
            proposed.append(article)
    return proposed


def close_ticket(ticket: Ticket, actor: User, *, note: str = "") -> Ticket:
    """Close a ticket (`feedback.actions.do_close_ticket`, 办结) and, in the same transaction, when
    it is a consultation whose answer satisfied the caller and came from no article, propose an
    article from it (`propose_from_consultations`' rules) for an editor at /knowledge/?status=proposed,
    or count it as one more ask of the article that answers the same question. The closing is the
    ticket's; the proposal is the system's (no author), logged as such."""
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
