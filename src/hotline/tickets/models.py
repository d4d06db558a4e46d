from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from hotline.core import timerange
from hotline.core.enums import (
    AssignmentRole,
    AssignmentStatus,
    EventType,
    Kind,
    TicketStatus,
    Urgency,
)
from hotline.core.phone import masked_for_search

# What a ticket's masked text is made of; writing one of them writes that too.
MASKED_FROM = frozenset({"title", "content"})


def masked_text_of(title: str, content: str) -> str:
    """A ticket's `masked_text`: its title and content as the roles that see citizens' numbers
    masked search them (`core.phone.masked_for_search`), one line between them, so that a run of
    digits at the end of one and the start of the other is not read as one; "" when they hold no
    such run (most tickets), as their own text is then what those roles search: the column and its
    index hold only the tickets with a number in them."""
    title, content = title or "", content or ""
    masked = (masked_for_search(title), masked_for_search(content))
    return "" if masked == (title, content) else "\n".join(masked)


class TicketQuerySet(models.QuerySet[Any]):
    """Ticket's queries, whose writes of many rows keep their masked text in step, as `Ticket.save`
    does one's: a bulk intake creates tickets by `bulk_create`. (Of Any: django-stubs types the
    overridden bulk methods' super() calls against an unbound model; `Ticket.objects` is still
    typed as Ticket's.)"""

    def bulk_create(
        self,
        objs: Iterable[Any],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[Any]:
        objs = list(objs)
        for ticket in objs:
            ticket.masked_text = masked_text_of(ticket.title, ticket.content)
        if update_fields is not None and MASKED_FROM & set(update_fields):
            update_fields = [*update_fields, "masked_text"]
        return super().bulk_create(
            objs,
            batch_size=batch_size,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=update_conflicts,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None) -> int:
        objs, fields = list(objs), list(fields)
        if MASKED_FROM & set(fields):
            for ticket in objs:
                ticket.masked_text = masked_text_of(ticket.title, ticket.content)
            fields.append("masked_text")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def update(self, **kwargs: Any) -> int:
        # The masked text is made in Python, so an UPDATE of the title or the content is followed by
        # the making of the rows' masked text from what it stored (an expression's result too).
        if not MASKED_FROM & kwargs.keys() or "masked_text" in kwargs:
            return super().update(**kwargs)
        with transaction.atomic():
            ids = list(self.values_list("pk", flat=True))
            changed = super().update(**kwargs)
            rows = self.model._base_manager.filter(pk__in=ids).only("pk", "title", "content")
            for start in range(0, len(ids), 1000):
                batch = list(rows.filter(pk__in=ids[start : start + 1000]))
                for ticket in batch:
                    ticket.masked_text = masked_text_of(ticket.title, ticket.content)
                self.model._base_manager.bulk_update(batch, ["masked_text"])
            return changed


class Ticket(models.Model):
    """The issue being handled (工单). One or more Appeals attach to it."""

    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    kind = models.CharField(_("诉求类型"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    is_complex = models.BooleanField(_("复杂件"), default=False)
    area = models.ForeignKey(
        "directory.Department",
        verbose_name=_("属地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="area_tickets",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW, db_index=True
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    # The title and content with every citizen's number masked (`masked_text_of`), "" when they hold
    # none: what a role that sees numbers masked searches (`tickets.selectors.filtered_tickets`), so
    # that the digits it types cannot find, a few at a time, the number its pages mask. Written with
    # them by `save` and the bulk writes (`TicketQuerySet`); a row inserted in SQL alone has the
    # database's "", as a text without numbers has.
    masked_text = models.TextField(_("检索文本（号码已隐去）"), editable=False, default="", db_default="")
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
    )
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    # Set by a merge when a duplicate received before this ticket joined it: when the earliest of
    # the appellants it now answers was received (through chains of merges); None while none was
    # earlier than `created_at`, which stays the ticket's own receipt (its number, its figures).
    # What the dispatch queue waits from (`waiting_since`); un-merge counts it again (ADR 0011).
    earliest_received_at = models.DateTimeField(_("最早受理时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    callback_due_at = models.DateTimeField(_("回访时限"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="ticket_status_created"),
            # What changed since: Open311's updated_after / updated_before, polled by client systems
            # that keep a copy in step, would otherwise read every ticket.
            models.Index(fields=["updated_at"], name="ticket_updated"),
        ]
        constraints = [timerange.constraint("created_at", "ticket_created_at_in_range")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        # A save of other fields (a transition's status) leaves the masked text as it is.
        if fields is None or MASKED_FROM & set(fields):
            self.masked_text = masked_text_of(self.title, self.content)
            if fields is not None:
                kwargs["update_fields"] = [*fields, "masked_text"]
        super().save(*args, **kwargs)

    @property
    def waiting_since(self) -> datetime:
        """Since when its appellants have waited: the earliest receipt among them (`waiting_since()`
        in a query)."""
        return self.earliest_received_at or self.created_at

    @property
    def lead_assignment(self) -> "Assignment | None":
        """The lead in force; reads the prefetched assignments when the ticket has them."""
        return current_lead(self.assignments.all())


class Assignment(models.Model):
    """A department's part in a ticket (派单): lead or co-handling, with its own deadline and answer."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("承办方式"), max_length=8, choices=AssignmentRole.choices)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
        db_index=True,
    )
    dispatched_at = models.DateTimeField(_("派单时间"))
    dispatched_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("办理时限"), db_index=True)
    # The deadlines below are filled by the deadline policies (sla); the supervision sweep reads them.
    original_due_at = models.DateTimeField(_("原办理时限"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("首次响应时限"), null=True, blank=True)
    # Some day counted into the deadlines above lies in a year whose holidays are unknown: they were
    # computed with the weekday rule and may move once the year's schedule is entered.
    deadline_assumed = models.BooleanField(_("时限按周末规则推定"), default=False)
    # While set, the assignment is suspended (挂起) and its clock stands still.
    paused_since = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    # Set once by the sweep when the handling deadline passes unanswered.
    overdue_at = models.DateTimeField(_("超期时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("退单理由"), blank=True)
    returned_at = models.DateTimeField(_("退单时间"), null=True, blank=True)
    answer = models.TextField(_("办理意见"), blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("派单")
        verbose_name_plural = _("派单")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["department", "status"], name="assignment_dept_status"),
            # The supervision sweep scans open assignments by deadline.
            models.Index(fields=["status", "due_at"], name="assignment_status_due"),
            # The figures (analytics) count the answers of a period.
            models.Index(fields=["answered_at"], name="assignment_answered"),
        ]
        constraints = [timerange.constraint("due_at", "assignment_due_at_in_range")]

    def __str__(self) -> str:
        return f"{self.ticket.number} → {self.department} ({self.get_role_display()})"


def current_lead(assignments: Iterable[Assignment]) -> Assignment | None:
    """The lead assignment in force among a ticket's assignments: the newest lead not withdrawn (a
    lead whose return was upheld is withdrawn, and the new lead comes after it)."""
    leads = [
        a for a in assignments if a.role == AssignmentRole.LEAD and a.status != AssignmentStatus.WITHDRAWN
    ]
    return max(leads, key=lambda a: a.pk, default=None)


class TicketEvent(models.Model):
    """One line of a ticket's timeline: who did what, when, from which status to which."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events"
    )
    # One of the vocabulary in core.enums.EventType, written by tickets.events only.
    action = models.CharField(_("动作"), max_length=32, choices=EventType.choices)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    from_status = models.CharField(_("原状态"), max_length=16, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=TicketStatus.choices)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        # Read where the admin names one (its page, its history), in the reader's language.
        moved = f" {self.get_from_status_display()}→{self.get_to_status_display()}" if self.to_status else ""
        return f"{self.ticket.number} {self.get_action_display()}{moved}"


class TicketLink(models.Model):
    """Two tickets about related problems, handled apart (关联): the same estate's lift and its
    water, a complaint and the earlier one it follows up. Symmetric: stored once, the lower id as
    `a`; written and removed by `tickets.actions.do_link_tickets` / `do_unlink_tickets` only."""

    a = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("说明"), max_length=2000, blank=True)
    linked_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(_("关联时间"))

    class Meta:
        verbose_name = _("工单关联")
        verbose_name_plural = _("工单关联")
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="ticket_link_once"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="ticket_link_ordered"),
        ]
        indexes = [models.Index(fields=["b"], name="ticket_link_b")]

    def __str__(self) -> str:
        return f"{self.a_id} ↔ {self.b_id}"


def waiting_since() -> Coalesce:
    """`Ticket.waiting_since` in a query: the earliest receipt among the ticket's appellants, its
    own or a duplicate's merged into it. The dispatch queue is in this order."""
    return Coalesce("earliest_received_at", "created_at")


def linked_ids(ticket_id: int) -> set[int]:
    """The ids of the tickets linked to this one, either way round."""
    pairs = TicketLink.objects.filter(models.Q(a_id=ticket_id) | models.Q(b_id=ticket_id)).values_list(
        "a_id", "b_id"
    )
    return {b if a == ticket_id else a for a, b in pairs}


class InvalidationRequest(models.Model):
    """A request to mark a ticket invalid (不合理/恶意诉求); a second person must confirm it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="invalidation_requests")
    reason = models.TextField(_("理由"))
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    confirmed = models.BooleanField(null=True)
    # Undecided when the ticket moved where nobody can decide it (replied, merged, closed ...):
    # it waits for no one any more, and a reopened ticket needs a fresh request.
    lapsed_at = models.DateTimeField(_("失效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("无效诉求申请")
        verbose_name_plural = _("无效诉求申请")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.reason[:30]}"


class DailySequence(models.Model):
    """The last ticket number handed out on one local day (numbers read 20261122-000123)."""

    day = models.DateField(_("日期"), primary_key=True)
    last = models.PositiveIntegerField(_("当日最后编号"), default=0)

    class Meta:
        verbose_name = _("工单编号序列")
        verbose_name_plural = _("工单编号序列")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"

    @classmethod
    def take(cls, day: date) -> int:
        """Hand out the next number of `day` in one statement (an upsert), safe under concurrency."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (day, last) VALUES (%s, 1)"
                f" ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [connection.ops.adapt_datefield_value(day)],
            )
            return int(cursor.fetchone()[0])

    @classmethod
    def take_apart(cls, day: date) -> int:
        """`take` committed at once, apart from the transaction that will use the number (PostgreSQL,
        no transaction open); otherwise `take` in the open transaction.

        The day's row is one row for every appeal of the day: taken inside the intake transaction,
        its lock is held until that transaction commits, so concurrent intakes queue one behind the
        other for their inserts and their commit's disk flush. Taken apart, it is held for one
        statement. Its commit need not wait for the disk (`synchronous_commit off`): a ticket that
        uses the number commits later and its flush carries the earlier WAL with it, and a number
        whose ticket never commits is only a gap, as it is when intake fails after taking it.
        """
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return cls.take(day)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return cls.take(day)

    @classmethod
    def take_many(cls, counts: Mapping[date, int]) -> dict[date, int]:
        """Hand out `counts[day]` numbers of each day at once (a bulk intake): the last number taken
        per day, so that day's block runs from `last - count + 1` to `last`. One upsert per 500
        days, the days in order (two imports at once lock them in the same order)."""
        table = connection.ops.quote_name(cls._meta.db_table)
        days = sorted(day for day, count in counts.items() if count > 0)
        taken: dict[date, int] = {}
        for start in range(0, len(days), 500):
            chunk = days[start : start + 500]
            params: list[str | int | None] = []
            for day in chunk:
                params += [connection.ops.adapt_datefield_value(day), counts[day]]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (day, last) VALUES {', '.join(['(%s, %s)'] * len(chunk))}"
                    f" ON CONFLICT (day) DO UPDATE SET last = {table}.last + excluded.last"
                    " RETURNING day, last",
                    params,
                )
                for day, last in cursor.fetchall():
                    taken[day if isinstance(day, date) else date.fromisoformat(day)] = int(last)
        return taken
