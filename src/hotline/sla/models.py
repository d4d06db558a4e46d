"""Deadline configuration (calendar overrides, deadline policies) and the deadline records of
assignments (suspensions, extensions, time lost to returns).

The configuration is edited in the admin; the records are written only by the actions in
`tickets/actions.py`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core import timerange
from hotline.core.enums import DelayCause, DepartmentLevel, Kind, SuspensionReason, Urgency


class CalendarOverride(models.Model):
    """A day declared off (local holiday) or on (make-up day) for the city or one jurisdiction."""

    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("辖区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_("留空表示全市；否则适用于该单位及其下级单位"),
    )
    day = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("是否工作日"))
    reason = models.CharField(_("原因"), max_length=200)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历例外")
        verbose_name_plural = _("日历例外")
        ordering = ["day", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="calendar_override_unique_day"),
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(department__isnull=True),
                name="calendar_override_unique_citywide_day",
                # Without it the admin named the constraint to whoever entered the day.
                violation_error_message=_("全市已有这一天的日历例外，请修改那一条"),
            ),
        ]

    def __str__(self) -> str:
        where = self.department or _("全市")
        state = _("上班") if self.is_workday else _("放假")
        return f"{self.day} {where}: {state}"

    def clean(self) -> None:
        # A day outside the range Hotline takes in is a typo: no deadline reaches it.
        if self.day is not None and not timerange.day_in_range(self.day):
            raise ValidationError({"day": timerange.range_message()})


class CalendarYear(models.Model):
    """A year whose holidays and make-up days an administrator has entered as overrides, because the
    installed `chinesecalendar` does not know it yet: its other days follow the weekday rule."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("已录入年度")
        verbose_name_plural = _("已录入年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        if self.year is not None and not timerange.FIRST_DAY.year <= self.year <= timerange.LAST_DAY.year:
            raise ValidationError({"year": timerange.range_message()})


# The longest terms a policy may set: about a year (250 working days of 7 working hours). A longer
# one is a typo (30000 for 30), and the deadline it makes can fall past the last moment Hotline
# stores (core.timerange): every dispatch it applied to failed. The first response, in natural
# minutes, is held by its column (at most 32767 minutes, under 23 days).
TERM_LIMITS = {
    "sign_working_hours": 1750,
    "handling_workdays": 250,
    "complex_handling_workdays": 250,
    "callback_workdays": 250,
}


class DeadlinePolicy(models.Model):
    """Deadlines for the tickets it matches; blank matching fields match anything, blank terms fall
    through to less specific policies and then to settings.HOTLINE. See `sla/policies.py`."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("诉求类型"), max_length=16, choices=Kind.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, blank=True)
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_policies",
        help_text=_("也适用于其下级分类"),
    )
    department_level = models.CharField(
        _("承办单位层级"), max_length=16, choices=DepartmentLevel.choices, blank=True
    )
    sign_working_hours = models.PositiveSmallIntegerField(_("签收时限（工作小时）"), null=True, blank=True)
    response_minutes = models.PositiveSmallIntegerField(_("首次响应时限（自然分钟）"), null=True, blank=True)
    handling_workdays = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    complex_handling_workdays = models.PositiveSmallIntegerField(
        _("复杂件办理时限（工作日）"), null=True, blank=True
    )
    callback_workdays = models.PositiveSmallIntegerField(_("回访时限（答复后工作日）"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    MATCH_FIELDS = ("kind", "urgency", "category", "department_level")
    TERM_FIELDS = (
        "sign_working_hours",
        "response_minutes",
        "handling_workdays",
        "complex_handling_workdays",
        "callback_workdays",
    )

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if all(getattr(self, f) is None for f in self.TERM_FIELDS):
            raise ValidationError(_("至少设置一项时限"))
        for term in self.TERM_FIELDS:
            value = getattr(self, term)
            # 0 makes every assignment late the moment it is made (signing, responding, calling back).
            if value == 0:
                raise ValidationError({term: _("时限必须大于 0")})
            if value is not None and value > TERM_LIMITS.get(term, value):
                raise ValidationError(
                    {term: _("不能超过 %(limit)s（约一年）") % {"limit": TERM_LIMITS[term]}}
                )
        same = DeadlinePolicy.objects.filter(
            kind=self.kind,
            urgency=self.urgency,
            category=self.category,
            department_level=self.department_level,
            is_active=True,
        ).exclude(pk=self.pk)
        if self.is_active and same.exists():
            raise ValidationError(_("已有适用范围完全相同的启用规则，请修改那一条"))


class Suspension(models.Model):
    """A stretch of time during which an assignment's clock stood still (挂起)."""

    assignment = models.ForeignKey(
        "tickets.Assignment", verbose_name=_("派单"), on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.CharField(_("挂起原因"), max_length=32, choices=SuspensionReason.choices)
    note = models.TextField(_("说明"), blank=True)
    started_at = models.DateTimeField(_("挂起时间"))
    started_by = models.ForeignKey(
        "accounts.User", verbose_name=_("挂起人"), on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Working time the clock stood still; the handling deadline moved by this much.
    paused = models.DurationField(_("挂起工作时长"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂起记录")
        verbose_name_plural = _("挂起记录")
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.get_reason_display()} {self.started_at:%Y-%m-%d}"


class Extension(models.Model):
    """A department's request for more time (延期), and the dispatcher's or supervisor's decision;
    or its withdrawal (`withdrawn`), when its assignment left handling before anyone decided
    (`sla.withdrawals`): then `decided_*` say who ended the handling, when, and why."""

    assignment = models.ForeignKey(
        "tickets.Assignment", verbose_name=_("派单"), on_delete=models.CASCADE, related_name="extensions"
    )
    reason = models.TextField(_("延期理由"))
    previous_due_at = models.DateTimeField(_("申请时的办理时限"))
    requested_due_at = models.DateTimeField(_("申请的办理时限"))
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    approved = models.BooleanField(_("是否批准"), null=True)
    # The handling deadline approved: the one asked for, or another the approver set.
    granted_due_at = models.DateTimeField(_("批准的办理时限"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    # Nobody decided: the question became moot (the department replied, the ticket was merged...).
    # Not approved either, so that every "waiting" query (`approved` null) leaves it out.
    withdrawn = models.BooleanField(_("已撤回"), default=False)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "pk"]
        constraints = [
            # One open request per assignment: a second one would race the first decision.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(approved__isnull=True),
                name="extension_one_pending_per_assignment",
            ),
            timerange.constraint("requested_due_at", "extension_requested_due_at_in_range"),
            models.CheckConstraint(
                condition=models.Q(withdrawn=False) | models.Q(approved=False),
                name="extension_withdrawn_not_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} → {self.requested_due_at:%Y-%m-%d %H:%M}"


class TimeLost(models.Model):
    """Time a ticket lost to an assignment that was withdrawn because its return (退单) was upheld,
    from that assignment's dispatch to the re-dispatch, counted against whoever caused it."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="time_lost"
    )
    assignment = models.OneToOneField(
        "tickets.Assignment", verbose_name=_("派单"), on_delete=models.CASCADE, related_name="time_lost"
    )
    cause = models.CharField(_("责任方"), max_length=16, choices=DelayCause.choices)
    # The department whose return was upheld (cause "department"), or the dispatcher who sent the
    # ticket to the wrong place (cause "dispatch").
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatcher = models.ForeignKey(
        "accounts.User",
        verbose_name=_("责任派单员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("派单时间"))
    ended_at = models.DateTimeField(_("重新派单时间"))
    elapsed = models.DurationField(_("耽误自然时长"))
    working_time = models.DurationField(_("耽误工作时长"))
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("耽误时长")
        verbose_name_plural = _("耽误时长")
        ordering = ["ended_at", "pk"]
        indexes = [models.Index(fields=["cause", "department"], name="time_lost_cause_dept")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_cause_display()} {self.working_time}"
