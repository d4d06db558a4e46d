from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.core import timerange
from hotline.core.enums import RepetitionKind, RepetitionOutcome, SupervisionKind, SupervisionReason
from hotline.core.phone import mask_numbers

# The reasons of the orders the sweep opens on a repetition, by what repeated.
REPEAT_REASON_OF_KIND = {
    RepetitionKind.ISSUE: SupervisionReason.REPEATED,
    RepetitionKind.PLACE: SupervisionReason.REPEATED_PLACE,
    RepetitionKind.CITIZEN: SupervisionReason.REPEATED_CITIZEN,
}
REPEAT_REASONS = tuple(REPEAT_REASON_OF_KIND.values())
# What a person may say of a repetition, by kind: of a citizen, whether the appeals are reasonable
# (or not one problem at all); of an issue or a place, only that the group is not one (the counters'
# mistake), which takes it apart (`DISMISSALS`).
REVIEW_OUTCOMES = {
    RepetitionKind.CITIZEN: (
        RepetitionOutcome.REASONABLE,
        RepetitionOutcome.UNREASONABLE,
        RepetitionOutcome.UNRELATED,
    ),
    RepetitionKind.ISSUE: (RepetitionOutcome.UNRELATED,),
    RepetitionKind.PLACE: (RepetitionOutcome.OTHER_PLACE,),
}
DISMISSALS = {
    RepetitionKind.ISSUE: RepetitionOutcome.UNRELATED,
    RepetitionKind.PLACE: RepetitionOutcome.OTHER_PLACE,
}


class Supervision(models.Model):
    """One act of supervision on a ticket: 催办, 督办, 挂牌督办 or 提级办理.

    The sweep opens them by rule (`created_by` empty), supervisors by hand with their own deadline.
    `department` is the unit the supervision is addressed to; for an elevation that is the level
    above the handling unit (None: the city itself), which takes the matter over.

    `ticket`, `assignment` and `department` have no constraint in the database (Django still
    cascades and protects on deletion): a first sweep opens a hundred thousand supervisions in one
    transaction, each built by the database from the very rows it names, and PostgreSQL would check
    each of the three keys of each row again at commit, locking the row it points to. The keys to
    users (`created_by`, `resolved_by`), set by people, keep theirs. The trade-off is in
    docs/adr/0003-supervision.md ("Integrity").
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("工单"),
        on_delete=models.CASCADE,
        related_name="supervisions",
        db_constraint=False,  # see the class docstring
    )
    # Indexed below with the deadline: the sweep asks "supervised at this step already?" by both.
    assignment = models.ForeignKey(
        "tickets.Assignment",
        verbose_name=_("派单"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervisions",
        db_index=False,
        db_constraint=False,  # see the class docstring
    )
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("督办对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
        db_constraint=False,  # see the class docstring
    )
    kind = models.CharField(_("督办方式"), max_length=16, choices=SupervisionKind.choices)
    reason = models.CharField(_("督办原因"), max_length=16, choices=SupervisionReason.choices)
    reason_text = models.TextField(_("督办事由"))
    # The handling deadline the supervision is about (overdue rules): a new deadline is a new case.
    assignment_due_at = models.DateTimeField(_("所督时限"), null=True, blank=True)
    # The repetition an order rests on ("issue:<id>", "place:<id>", "citizen:<id>"), so it does not
    # fire twice.
    subject = models.CharField(_("督办主题"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index below: the sweep's rows have none
    )
    created_at = models.DateTimeField(_("督办时间"))
    deadline = models.DateTimeField(_("督办时限"), null=True, blank=True)
    is_public = models.BooleanField(_("公开挂牌"), default=False)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index below: the sweep's rows have none
    )
    resolution_note = models.TextField(_("办结说明"), blank=True)
    # Unique by the constraint below (one index, no LIKE copy: see Notification's).
    dedupe_key = models.CharField(_("去重键"), max_length=200)
    # The sweep that opened it (SweepState.runs at the time); None for supervisions opened by hand.
    sweep_run = models.PositiveBigIntegerField(_("巡检批次"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], name="supervision_dedupe_key", opclasses=["varchar_pattern_ops"]
            ),
            timerange.constraint("deadline", "supervision_deadline_in_range", null=True),
        ]
        indexes = [
            models.Index(fields=["assignment", "assignment_due_at", "kind"], name="supervision_assignment"),
            models.Index(fields=["kind", "created_at"], name="supervision_kind_created"),
            # The repetition rule's "opened for this group already?"; only its orders have a subject.
            models.Index(
                fields=["reason", "subject", "created_at"],
                name="supervision_subject",
                condition=Q(reason__in=REPEAT_REASONS),
            ),
            models.Index(fields=["sweep_run", "reason", "kind"], name="supervision_sweep_run"),
            # The leaders' board and the sweep's closing step read the open ones only.
            models.Index(
                fields=["kind", "is_public", "created_at"],
                name="supervision_open",
                condition=Q(resolved_at__isnull=True),
            ),
            # For PROTECT when a user is deleted; the sweep's rows (no user) stay out of them.
            models.Index(
                fields=["created_by"], name="supervision_created_by", condition=Q(created_by__isnull=False)
            ),
            models.Index(
                fields=["resolved_by"], name="supervision_resolved_by", condition=Q(resolved_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ticket_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class SweepState(models.Model):
    """The one row that sweeps lock while they run (so two never overlap) and that records the last one."""

    id = models.PositiveSmallIntegerField(_("编号"), primary_key=True, default=1)
    runs = models.PositiveBigIntegerField(_("巡检次数"), default=0)
    last_started_at = models.DateTimeField(_("最近开始时间"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近结束时间"), null=True, blank=True)
    last_report = models.JSONField(_("最近巡检结果"), default=dict, blank=True)
    # The local day of the last daily digest (每日一提醒): one a day, whatever the number of sweeps.
    last_daily_on = models.DateField(_("最近每日提醒日期"), null=True, blank=True)
    # When a worker last put a sweep on the queue; workers share the schedule through it.
    last_enqueued_at = models.DateTimeField(_("最近入队时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡检状态")
        verbose_name_plural = _("巡检状态")

    def __str__(self) -> str:
        return f"sweep {self.last_finished_at}"


class Repetition(models.Model):
    """A repetition the counters found (supervision.repetition): REPEAT_COUNT or more appeals in
    REPEAT_WINDOW_DAYS from one citizen (their phone), at one place (the address) or about one issue
    (one problem at one place: the tickets merged together and those that duplicate search finds
    to be duplicates of one another). `count` is the appeals of a citizen, and the appellants of a
    place or an issue (a caller who calls again counts once there; see `repetition.appellant`).

    Open while the count in the rolling window stays at the threshold or above (`cleared_at` null);
    one open row per (kind, key). It shows on the supervision board and on each of its tickets; a
    citizen's repetition waits for a person's review (`outcome`: reasonable, possibly unreasonable,
    not the same problem), which the system never decides by itself; only its appeals that report a
    problem can make it an order (`problems`; `repetition.PROBLEM_KINDS`: places and issues count
    nothing else). A person may also take an issue or a
    place apart (`DISMISSALS`: not the same problem, not the same place): it is cleared then, and
    its appeals no longer count for a group of its kind."""

    kind = models.CharField(_("类别"), max_length=16, choices=RepetitionKind.choices)
    # citizen: a keyed digest of the phone's digits; place: of the normalised address; issue: the
    # id of the cluster's first ticket when it was raised.
    key = models.CharField(max_length=64)
    label = models.CharField(
        _("对象"), max_length=200
    )  # what people read: a masked phone, an address, a title
    count = models.PositiveIntegerField(_("诉求次数"))
    # Of a citizen's appeals, those that were consultations (咨询): counted for the review, never
    # for an order. Places and issues count no consultation, so theirs is 0.
    consultations = models.PositiveIntegerField(_("其中咨询"), default=0)
    # Of the count, the appeals (a citizen's) or appellants (a place's, an issue's) that report a
    # problem (投诉, 求助, 举报): what a repetition order counts. A place's and an issue's whole count.
    problems = models.PositiveIntegerField(_("其中反映问题"), default=0)
    window_days = models.PositiveSmallIntegerField(_("统计天数"))
    first_at = models.DateTimeField(_("首次诉求"))
    last_at = models.DateTimeField(_("最近诉求"))
    # The ticket the flag is about now: the newest of its tickets still at work, else the newest.
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="+"
    )
    tickets = models.ManyToManyField("tickets.Ticket", through="RepetitionTicket", related_name="repetitions")
    raised_at = models.DateTimeField(_("预警时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    needs_review = models.BooleanField(_("待人工审核"), default=False)
    outcome = models.CharField(_("审核结论"), max_length=16, choices=RepetitionOutcome.choices, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重复诉求预警")
        verbose_name_plural = _("重复诉求预警")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=Q(cleared_at__isnull=True), name="repetition_open_once"
            )
        ]
        indexes = [models.Index(fields=["cleared_at", "kind"], name="repetition_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} ×{self.count}"

    @property
    def label_shown(self) -> str:
        """What it repeats, as pages name it: an issue by its first ticket's title, a place by the
        address a caller gave (their own words: every number in them masked, whoever reads it,
        `core.phone.mask_numbers`), a citizen by a name and a number masked already."""
        return mask_numbers(self.label, citizen_text=True)

    @property
    def outcome_choices(self) -> list[tuple[str, str]]:
        """(value, label) of the reviews this kind of repetition allows."""
        return [(o.value, str(o.label)) for o in REVIEW_OUTCOMES.get(RepetitionKind(self.kind), ())]

    @property
    def dismissed(self) -> bool:
        """A person said it is not one problem, or not one place."""
        return bool(self.outcome) and DISMISSALS.get(RepetitionKind(self.kind)) == self.outcome


class RepetitionTicket(models.Model):
    repetition = models.ForeignKey(
        Repetition, verbose_name=_("重复诉求"), on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("重复诉求的工单")
        verbose_name_plural = _("重复诉求的工单")
        constraints = [
            models.UniqueConstraint(fields=["repetition", "ticket"], name="repetition_ticket_once")
        ]

    def __str__(self) -> str:
        return f"{self.repetition_id}: {self.ticket_id}"
