"""The knowledge base (知识库): answers to the questions citizens ask, for the operators who take
their calls and, when marked public, for everyone (百问百答).

An `Article` belongs to a department (its owner answers for it), may be limited to a category and
an area, and is valid between two dates. Every change is kept as an `ArticleVersion`; an article
reaches the operators only once published, after review, and leaves them when it expires or is
retired. Consultations answered to the caller's satisfaction propose new articles (status
`proposed`, `source_ticket`). `ArticleUse` records each time an article answered a call
(`knowledge.actions.do_answer_from_article`).

The search reads `title_tokens`, `question_tokens` and `body_tokens`: the jieba words of the three
texts, separated by spaces, written by `knowledge.actions` with the text. The database indexes
them (knowledge/migrations/0002): PostgreSQL keeps a weighted `tsvector` column filled by a
trigger with a GIN index, SQLite an FTS5 table kept by triggers (`knowledge.search`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core import timerange
from hotline.core.enums import ArticleAction, ArticleStatus


class Article(models.Model):
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
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
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
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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


class ArticleVersion(models.Model):
    """An article as one save left it; the article's `version` is the newest one's number."""

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
    note = models.CharField(_("修改说明"), max_length=500, blank=True)
    edited_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(_("修改时间"))

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


class ArticleUse(models.Model):
    """An article answered a call: the consultation, the answer given, who and when."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="uses")
    version = models.PositiveIntegerField(_("版本"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    reply = models.OneToOneField("feedback.Reply", on_delete=models.CASCADE, related_name="+")
    used_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=ArticleAction.choices)
    version = models.PositiveIntegerField(_("版本"))
    from_status = models.CharField(_("原状态"), max_length=16, choices=ArticleStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ArticleStatus.choices)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # The consultation the article was proposed from, or answered.
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
    text = models.TextField(
        _("模板内容"),
        help_text=_("可用占位符：{诉求人} {地址} {受理日期} {工单编号} {诉求标题} {承办单位} {今天}"),
    )
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
