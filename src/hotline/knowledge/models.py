"""The knowledge base (知识库): answers to the questions citizens ask, for the operators who take
their calls and, when marked public, for everyone (百问百答).

An `Article` belongs to a department (its owner answers for it), may be limited to a category and
an area, and is valid between two dates. Every change is kept as an `ArticleVersion`; an article
reaches the operators only once published, after review by a second person, and leaves them when
it expires or is retired. An edit of a published article waits for its review beside it
(`pending_version`): the approved text stays in use until the edit is approved. Consultations
answered to the caller's satisfaction propose new articles (status `proposed`, `source_ticket`),
or count as one more ask of the article that answers the same question (`ArticleAsk`).
`ArticleUse` records each time an article answered a call (`knowledge.actions.answer_on_spot`).

The search reads `title_tokens`, `question_tokens` and `body_tokens`: the jieba words of the three
texts, separated by spaces, written by `knowledge.actions` with the text. The database indexes
them (knowledge/migrations/0002): PostgreSQL keeps a weighted `tsvector` column filled by a
trigger with a GIN index, SQLite an FTS5 table kept by triggers (`knowledge.search`).
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core import clock, timerange
from hotline.core.enums import ArticleAction, ArticleStatus


class Validity:
    """Where today stands in the validity dates (`valid_from`, `valid_until`) of an article or a
    version: not yet valid, valid, or expired (已过期: the last valid day has passed)."""

    valid_from: date | None
    valid_until: date | None

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < clock.localtime().date()

    @property
    def not_yet_valid(self) -> bool:
        return self.valid_from is not None and self.valid_from > clock.localtime().date()


class Article(Validity, models.Model):
    title = models.CharField(_("标题"), max_length=200)
    # Other ways people ask the same thing, and keywords: searched, not shown to the caller.
    question = models.TextField(_("常见问法"), blank=True)
    body = models.TextField(_("答复口径"))
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        "directory.Department",
        verbose_name=_("适用属地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        "directory.Department",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    public = models.BooleanField(_("对外公开"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    review_due = models.DateField(_("下次复审日期"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    # A published article keeps its approved text on this row (what operators, the search and the
    # public page read) while an edit of it waits: the edit is the version numbered
    # `pending_version`, in review or sent back to its author as a draft (`pending_status`); its
    # approval brings it here. None and "": no edit waits (the row is the newest text).
    pending_version = models.PositiveIntegerField(_("待审核的修改版本"), null=True, blank=True)
    pending_status = models.CharField(
        _("修改的状态"), max_length=16, choices=ArticleStatus.choices, blank=True
    )
    # The consultation whose answer proposed this article.
    source_ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("来源工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    title_tokens = models.TextField(blank=True, editable=False)
    question_tokens = models.TextField(blank=True, editable=False)
    body_tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("知识")
        verbose_name_plural = _("知识库")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["status", "category"], name="article_status_category")]
        constraints = [
            timerange.day_constraint("valid_from", "article_valid_from_in_range", null=True),
            timerange.day_constraint("valid_until", "article_valid_until_in_range", null=True),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(Validity, models.Model):
    """An article as one save left it, with its review (who, when, approved or sent back, the
    comment) apart from the author's note. The article's `version` is the number of the version on
    its row: the newest, or, while an edit of a published article waits, the approved one (the
    edit is `Article.pending_version`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    question = models.TextField(_("常见问法"), blank=True)
    body = models.TextField(_("答复口径"))
    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    area = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField(_("对外公开"), default=False)
    # The author's word on the change; the review's are apart (who, when, the outcome, the comment).
    note = models.CharField(_("修改说明"), max_length=500, blank=True)
    edited_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(_("修改时间"))
    review = models.CharField(
        _("审核结果"), max_length=16, choices=ArticleAction.choices, blank=True
    )  # approve or return; "": not reviewed
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("知识版本")
        verbose_name_plural = _("知识版本")
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique"),
            timerange.day_constraint("valid_from", "article_version_valid_from_in_range", null=True),
            timerange.day_constraint("valid_until", "article_version_valid_until_in_range", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleAsk(models.Model):
    """A consultation whose answer satisfied the caller and that asked what an article already
    answers (published, or a proposal or draft still open): counted as one more ask of it instead
    of proposing the same question again (`knowledge.actions.close_ticket`)."""

    article = models.ForeignKey(
        Article, verbose_name=_("知识"), on_delete=models.CASCADE, related_name="asks"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="+"
    )
    # How alike the two questions are (0-1, `knowledge.search.same_question`).
    similarity = models.FloatField(_("相似度"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("同一问题的咨询")
        verbose_name_plural = _("同一问题的咨询")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} -> {self.article_id}"


class ArticleUse(models.Model):
    """An article answered a call: the consultation, the answer given, who and when."""

    article = models.ForeignKey(
        Article, verbose_name=_("知识"), on_delete=models.PROTECT, related_name="uses"
    )
    version = models.PositiveIntegerField(_("版本"))
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="+"
    )
    reply = models.OneToOneField(
        "feedback.Reply", verbose_name=_("答复"), on_delete=models.CASCADE, related_name="+"
    )
    used_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("使用人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    used_at = models.DateTimeField(_("使用时间"))

    class Meta:
        verbose_name = _("知识使用记录")
        verbose_name_plural = _("知识使用记录")
        ordering = ["-used_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.article_id} -> {self.ticket_id}"


class ArticleEvent(models.Model):
    """The knowledge base's log: who did what to an article, when, at which version, why. Written
    by `knowledge.actions` (the only code that changes articles) in the action's transaction; the
    system (a proposal from a consultation) has no actor. A review leaves its reviewer here whether
    it approved or sent back; each answer given from the article is one `used` row (with its
    `ArticleUse`)."""

    article = models.ForeignKey(
        Article, verbose_name=_("知识"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=16, choices=ArticleAction.choices)
    version = models.PositiveIntegerField(_("版本"))
    from_status = models.CharField(_("原状态"), max_length=16, choices=ArticleStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ArticleStatus.choices)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # The consultation the article was proposed from, or answered.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("知识操作记录")
        verbose_name_plural = _("知识操作记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "at"], name="article_event_article_at")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.action} v{self.version}"


class Term(models.Model):
    """A word of the index and the number of articles that contain it (any status): what the
    search weighs a word by (a word in few articles says more) and leaves out when too common.
    Kept by `knowledge.actions` as articles' words change; the empty word counts the articles."""

    word = models.CharField(max_length=64, primary_key=True)
    articles = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("检索词")
        verbose_name_plural = _("检索词")

    def __str__(self) -> str:
        return f"{self.word}: {self.articles}"


class ReplyTemplate(models.Model):
    """A reply's usual shape for a category and a department (答复模板), offered to handlers when they
    reply, with placeholders filled from the ticket (`knowledge.templates.PLACEHOLDERS`). No
    category or department: for every one."""

    name = models.CharField(_("名称"), max_length=100)
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Its placeholders are listed, with what each is filled with, where they are defined
    # (`knowledge.templates.PLACEHOLDER_LIST`): the admin's form and the staff pages' read them there.
    text = models.TextField(_("模板内容"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A closed ticket marked as a typical case (典型案例): its handling told as a story, for others
    who meet the same problem. The ticket stays as it was; the case is a reading of it."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("案例标题"), max_length=200)
    story = models.TextField(_("办理经过"))
    lesson = models.TextField(_("经验做法"), blank=True)
    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("标记时间"))

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("案例库")
        ordering = ["-marked_at", "-pk"]

    def __str__(self) -> str:
        return self.title
