"""The figures kept per local day, so that the overview and the statistics read a few hundred rows
instead of counting a month of tickets on every request.

`DailyFigure` holds, for one local day and one slice of the city (everything, one area, one
first-level category or one lead department), the counts that every rate is built from; what each
count means is defined once, in `analytics.facts`. `FigureDay` says which days are kept and when
they were last counted: a day without it is counted live from the tickets (today always is).
`FiguresState` is the worker's shared schedule for recounting.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import FigureDimension, ReportKind, TicketStatus, WarningKind, WarningStatus


class FigureDay(models.Model):
    """A local day whose figures are kept, and when they were counted."""

    day = models.DateField(_("日期"), primary_key=True)
    counted_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("已统计日期")
        verbose_name_plural = _("已统计日期")

    def __str__(self) -> str:
        return f"{self.day} @ {self.counted_at}"


class DailyFigure(models.Model):
    """The counts of one local day in one slice; the measures are those of `analytics.facts.MEASURES`.
    A day's rows go with its `FigureDay`: no row is read for a day that is not kept."""

    day = models.ForeignKey(
        FigureDay, on_delete=models.CASCADE, db_column="day", related_name="figures", verbose_name=_("日期")
    )
    dimension = models.CharField(_("维度"), max_length=16, choices=FigureDimension.choices)
    # The area's, category's or department's id; 0 for the whole city.
    key = models.PositiveBigIntegerField(_("对象"))
    received = models.PositiveIntegerField(_("受理量"), default=0)
    dispatched = models.PositiveIntegerField(_("已出派单队列"), default=0)
    handled = models.PositiveIntegerField(_("已处置"), default=0)
    replied = models.PositiveIntegerField(_("已回复市民"), default=0)
    leads_answered = models.PositiveIntegerField(_("主办答复数"), default=0)
    leads_on_time = models.PositiveIntegerField(_("按时答复数"), default=0)
    callbacks = models.PositiveIntegerField(_("回访数"), default=0)
    satisfied = models.PositiveIntegerField(_("满意数"), default=0)
    resolved = models.PositiveIntegerField(_("解决数"), default=0)
    replies_checked = models.PositiveIntegerField(_("已检查答复数"), default=0)
    replies_weak = models.PositiveIntegerField(_("质量存疑答复数"), default=0)

    class Meta:
        verbose_name = _("每日统计")
        verbose_name_plural = _("每日统计")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "day", "key"], name="daily_figure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}:{self.key}"


class FiguresState(models.Model):
    """The one row through which workers share the recount schedule (see `core.schedule`)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    # The local day of the last recount of every kept day (once a day; the recent ones more often).
    last_full_on = models.DateField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("统计状态")
        verbose_name_plural = _("统计状态")

    def __str__(self) -> str:
        return str(self.last_report)


class FigureSettings(models.Model):
    """How the figures judge the departments, set in the admin (考核设置), one row: which tickets
    are exempt from every figure, the weights of the four rates in the composite score (综合得分)
    that ranks departments, areas and categories (红黑榜), and the least volume to be ranked. A
    rate with nothing to count for a slice is left out of its score and the other weights share its
    part. A change of the exemptions applies from the worker's next recount of every day."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    exempt_merged = models.BooleanField(
        _("合并件不计入"), default=True, help_text=_("重复诉求并入另一工单后，只按主工单计一次")
    )
    exempt_invalid = models.BooleanField(
        _("无效诉求不计入"), default=True, help_text=_("经审核确认的无理、恶意诉求不计入任何指标")
    )
    on_time = models.PositiveSmallIntegerField(_("及时率权重"), default=25)
    handled = models.PositiveSmallIntegerField(_("处置率权重"), default=25)
    replied = models.PositiveSmallIntegerField(_("回复率权重"), default=25)
    satisfied = models.PositiveSmallIntegerField(_("满意率权重"), default=25)
    # A slice with fewer tickets received in the period is listed but not ranked: two tickets
    # answered on time do not make the best department of the month.
    min_received = models.PositiveIntegerField(_("参与排名的最少受理量"), default=10)

    class Meta:
        verbose_name = _("考核设置")
        verbose_name_plural = _("考核设置")

    def __str__(self) -> str:
        return f"{self.on_time}/{self.handled}/{self.replied}/{self.satisfied}"

    @classmethod
    def current(cls) -> "FigureSettings":
        """The row, or the defaults until the admin saves one (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls()

    def as_dict(self) -> dict[str, int]:
        return {
            "on_time": self.on_time,
            "handled": self.handled,
            "replied": self.replied,
            "satisfied": self.satisfied,
        }

    def exempt_statuses(self) -> tuple[str, ...]:
        """The ticket statuses no figure counts."""
        return tuple(
            status
            for status, exempt in (
                (TicketStatus.MERGED, self.exempt_merged),
                (TicketStatus.INVALID, self.exempt_invalid),
            )
            if exempt
        )


class ForecastSet(models.Model):
    """The volume forecasts made by the worker once a day (`analytics.outlooks`): for the city and
    the top categories and areas, the next week and the next four weeks, as JSON. The overview
    and the reports read the newest; older ones stay for checking a forecast against what came."""

    made_at = models.DateTimeField(_("预测时间"), db_index=True)
    # The first day forecast (the day after the last day the history holds).
    starts_on = models.DateField(_("预测起始日"))
    data = models.JSONField(_("预测"), default=dict)

    class Meta:
        verbose_name = _("受理量预测")
        verbose_name_plural = _("受理量预测")

    def __str__(self) -> str:
        return f"{self.starts_on} @ {self.made_at}"


class HotspotSet(models.Model):
    """One run of the hot spot finder (`analytics.hotspots`) over a period, kept so that pages read
    it instead of grouping appeals: `scope` "recent" (the last `hotspots.RECENT_WINDOW_DAYS` days,
    refreshed by the worker, the newest only is kept) or a report kind (the period of a report,
    made by the worker for the current and the last period of each kind)."""

    scope = models.CharField(_("范围"), max_length=16)
    since = models.DateTimeField(_("起"))
    until = models.DateTimeField(_("止"))
    made_at = models.DateTimeField(_("计算时间"), db_index=True)
    model = models.CharField(_("向量模型"), max_length=32)
    appeals = models.PositiveIntegerField(_("诉求数"), default=0)
    seconds = models.FloatField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("热点计算")
        verbose_name_plural = _("热点计算")
        indexes = [models.Index(fields=["scope", "since", "until", "made_at"], name="hotspot_set_period")]

    def __str__(self) -> str:
        return f"{self.scope} {self.since:%Y-%m-%d}..{self.until:%Y-%m-%d} @ {self.made_at:%Y-%m-%d %H:%M}"


class Hotspot(models.Model):
    """A hot spot (热点): the appeals of a period about one problem at one place, with its heat
    (热度指数, docs/adr/0015), time range, place, crowd and one-line description."""

    set = models.ForeignKey(HotspotSet, on_delete=models.CASCADE, related_name="hotspots")
    rank = models.PositiveSmallIntegerField(_("热度排名"))
    heat = models.FloatField(_("热度指数"))
    first_time = models.DateTimeField(_("最早诉求"))
    last_time = models.DateTimeField(_("最近诉求"))
    place = models.CharField(_("地点"), max_length=200)
    crowd = models.CharField(_("人群"), max_length=20, blank=True)
    people = models.PositiveIntegerField(_("诉求人数"))
    description = models.CharField(_("问题描述"), max_length=200)
    n_appeals = models.PositiveIntegerField(_("诉求数"))
    likes = models.PositiveIntegerField(_("点赞数"), default=0)
    dislikes = models.PositiveIntegerField(_("反对数"), default=0)
    # Appeals in the last days of the period, and how far they exceed the weeks before (0: none).
    recent = models.PositiveIntegerField(_("近期诉求"), default=0)
    growth = models.FloatField(_("增长"), default=0)
    area = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    parts = models.JSONField(_("热度构成"), default=dict, blank=True)
    appeals = models.ManyToManyField("intake.Appeal", related_name="+", verbose_name=_("诉求"))

    class Meta:
        verbose_name = _("热点")
        verbose_name_plural = _("热点")
        ordering = ["set", "rank"]
        constraints = [models.UniqueConstraint(fields=["set", "rank"], name="hotspot_rank_unique")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.place} {self.description}"

    @property
    def external_ids(self) -> list[str]:
        """The appeals' channel ids, in the order they came (reads the prefetched appeals)."""
        return [a.external_id for a in self.appeals.all() if a.external_id]


class HotspotState(models.Model):
    """The one row through which workers share the schedule of the hot spots and warnings."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    # The local day the report periods' hot spots were last made (once a day).
    periods_on = models.DateField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("热点与预警状态")
        verbose_name_plural = _("热点与预警状态")

    def __str__(self) -> str:
        return str(self.last_report)


class WarningThreshold(models.Model):
    """How much more than its baseline a cell (a first-level category in an area; either may be
    the whole city) must receive before it warns: 1.0 at first, raised by each dismissed false
    alarm and lowered a little by each confirmed warning (`analytics.early_warning`). Editable in the
    admin."""

    cell = models.CharField(_("单元"), max_length=40, unique=True)
    category = models.ForeignKey(
        "taxonomy.Category", verbose_name=_("分类"), null=True, blank=True, on_delete=models.CASCADE
    )
    area = models.ForeignKey(
        "directory.Department", verbose_name=_("属地"), null=True, blank=True, on_delete=models.CASCADE
    )
    factor = models.FloatField(_("阈值倍数"), default=1.0)
    dismissals = models.PositiveIntegerField(_("误报次数"), default=0)
    confirmations = models.PositiveIntegerField(_("确认次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")

    def __str__(self) -> str:
        return f"{self.cell} ×{self.factor:g}"


class EarlyWarning(models.Model):
    """An early warning (预警): a cell's appeals well above their own seasonal baseline (突增), or a
    hot spot growing fast, with the evidence (`evidence`: the days and their baseline, the
    tickets, the hot spot). Raised by the worker; confirmed or dismissed as a false alarm by a
    supervisor (`analytics.actions`), which each write a `WarningDecision`."""

    kind = models.CharField(_("预警类型"), max_length=16, choices=WarningKind.choices)
    # What the warning is about, stable while it lasts: "spike:<cell>" or "hotspot:<first appeal>".
    subject = models.CharField(_("预警对象"), max_length=64, db_index=True)
    cell = models.CharField(_("单元"), max_length=40)
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.ForeignKey(
        "directory.Department",
        verbose_name=_("属地"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("摘要"), max_length=200)
    started_on = models.DateField(_("开始日期"))
    raised_at = models.DateTimeField(_("预警时间"), db_index=True)
    last_seen_at = models.DateTimeField(_("最近触发"))
    observed = models.PositiveIntegerField(_("实际诉求数"))
    expected = models.FloatField(_("基线"))
    factor = models.FloatField(_("阈值倍数"), default=1.0)
    evidence = models.JSONField(_("依据"), default=dict)
    status = models.CharField(
        _("状态"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("研判人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    note = models.TextField(_("研判意见"), blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The rules' findings of this episode, the one that raised it first: each with its kind
        (and `label`), subject, cell, title, counts and evidence. The first is the warning's own
        fields; the others joined it later (`evidence["joined"]`, analytics.early_warning)."""
        evidence = dict(self.evidence)
        joined = evidence.pop("joined", [])
        first = {
            "kind": self.kind,
            "subject": self.subject,
            "cell": self.cell,
            "title": self.title,
            "observed": self.observed,
            "expected": self.expected,
            "factor": self.factor,
            "evidence": evidence,
        }
        return [{**f, "label": WarningKind(f["kind"]).label} for f in [first, *joined]]

    @property
    def cells(self) -> list[str]:
        """The cells whose rules found this episode, each once, the warning's own first."""
        return list(dict.fromkeys(f["cell"] for f in self.findings))


class WarningDecision(models.Model):
    """Who confirmed or dismissed a warning, when, why, and what it did to the cell's threshold.
    Written by `analytics.actions` only; never edited (an audit trail)."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="decisions")
    status = models.CharField(_("研判结果"), max_length=16, choices=WarningStatus.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("研判人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("研判意见"), blank=True)
    factor_before = models.FloatField(_("原阈值倍数"))
    factor_after = models.FloatField(_("新阈值倍数"))
    # The other cells of the episode's rules moved by the same decision: [{"cell", "label", "before",
    # "after"}] (the warning's own cell is `factor_before` / `factor_after`).
    other_cells = models.JSONField(_("其他单元的阈值倍数"), default=list, blank=True)

    class Meta:
        verbose_name = _("预警研判记录")
        verbose_name_plural = _("预警研判记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class LeaderList(models.Model):
    """The leader list of one report period (日报, 周报, 月报, 季报), made by the worker after each
    recount and kept (`analytics.leader_lists`): the items as `analytics.reports.Item` holds them."""

    kind = models.CharField(_("报告"), max_length=16, choices=ReportKind.choices)
    first_day = models.DateField(_("起始日"))
    last_day = models.DateField(_("截止日"))
    made_at = models.DateTimeField(_("统计时间"))
    items = models.JSONField(_("事项"), default=list)

    class Meta:
        verbose_name = _("重点事项清单")
        verbose_name_plural = _("重点事项清单")
        constraints = [models.UniqueConstraint(fields=["kind", "first_day"], name="leader_list_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_day} @ {self.made_at}"
