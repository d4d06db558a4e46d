"""The figures kept per local day, so that the overview and the statistics read a few hundred rows
instead of counting a month of tickets on every request.

`DailyFigure` holds, for one local day and one slice of the city (everything, one area, one
first-level category or one lead department), the counts that every rate is built from; what each
count means is defined once, in `analytics.facts`. `FigureDay` says which days are kept and when
they were last counted: a day without it is counted live from the tickets (today always is).
`FiguresState` is the worker's shared schedule for recounting.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import FigureDimension, TicketStatus


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
    reads the newest; older ones stay for checking a forecast against what came."""

    made_at = models.DateTimeField(_("预测时间"), db_index=True)
    # The first day forecast (the day after the last day the history holds).
    starts_on = models.DateField(_("预测起始日"))
    data = models.JSONField(_("预测"), default=dict)

    class Meta:
        verbose_name = _("受理量预测")
        verbose_name_plural = _("受理量预测")

    def __str__(self) -> str:
        return f"{self.starts_on} @ {self.made_at}"
