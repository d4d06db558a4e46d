"""Answers and their follow-up: the lead department's reply to the citizen (答复), a reply sent back
to its unit to answer again (退回重答), the operator's answer on the spot (直接答复), the
satisfaction callback (回访, which may reopen the ticket: 重办), a callback that did not reach the
citizen (回访未接通, tried again later) and closing (办结).

A ticket's answer is owed to every appellant: the callers of its appeals and of the duplicates
merged into it (`feedback.selectors.callback_round`). Each person is called back on their own (the
appeals of one number are one person's, `feedback.selectors.people`: one call covers them); the
ticket is closed once each one with a phone number was reached or tried; a ticket whose appellants
left no number (anonymous) cannot be called back and is closed without a callback (无法回访).

Each is a `@transition` of the ticket (`tickets.transitions`) and writes one timeline event.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.citizen_messages.outbox import tell_replied
from hotline.core import clock
from hotline.core.enums import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Kind,
    Resolution,
    Satisfaction,
    TicketStatus,
    one_of,
)
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.core.phone import mask_phone
from hotline.feedback import quality
from hotline.feedback.models import Callback, Reply, ReplyCheck
from hotline.feedback.selectors import Appellant, callback_attempts, callback_round, retry_delay
from hotline.sla.selectors import callback_due_for, deadlines_for
from hotline.tickets import events
from hotline.tickets.models import Assignment, Ticket
from hotline.tickets.transitions import actor_assignment, answer, not_suspended, require_text, transition

S = TicketStatus


def blanks_refusal(text: str) -> InvalidInput | None:
    """The refusal of an answer that keeps a blank of a template (【核查情况】, `quality.unfilled`),
    or None: raised by the actions below, shown as it is by the check of a draft before it is sent
    (`web.replies.preview`), so that the check never says "may be sent" of what will be refused."""
    if blanks := quality.unfilled(text):
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        listed = _("、").join(blanks)
        return InvalidInput(_("text: 答复中还有模板的空白未填写：%(blanks)s") % {"blanks": listed})
    return None


def _answer_text(text: str) -> str:
    """What is sent to the citizen: not empty, and with no blank of a template left unwritten."""
    text = require_text(text, "text")
    if refused := blanks_refusal(text):
        raise refused
    return text


@transition("reply")
def do_reply_ticket(ticket: Ticket, actor: User, *, text: str) -> Ticket:
    """The lead department answers the citizen (答复); every co-handler must have answered first."""
    text = _answer_text(text)
    lead = actor_assignment(ticket, actor, "reply")
    if lead.role != AssignmentRole.LEAD:
        raise ActionNotAllowed(_("只有主办单位可以答复诉求人；协办单位请使用“协办反馈”"))
    waiting = list(
        ticket.assignments.filter(role=AssignmentRole.CO, status__in=list(OPEN_ASSIGNMENT_STATUSES))
        .select_related("department")
        .values_list("department__name", flat=True)
    )
    if waiting:
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        raise ActionNotAllowed(_("协办单位尚未反馈：%(names)s") % {"names": _("、").join(waiting)})
    not_suspended(lead)
    now = clock.now()
    answer(lead, actor, text, now)
    reply = Reply.objects.create(
        ticket=ticket, department=lead.department, text=text, replied_by=actor, replied_at=now
    )
    check_reply(ticket, reply, now)
    # 答复告知 to every appellant, merged duplicates' included, stored with the reply.
    tell_replied(ticket, reply, actor, now)
    callback = callback_due_for(ticket, lead.department, now)
    ticket.callback_due_at = callback.value
    events.replied(
        ticket,
        actor,
        reply_id=reply.pk,
        department_code=lead.department.code,
        callback_due=(callback.value, callback.assumed),
        at=now,
    )
    return ticket


@transition("return_reply")
def do_return_reply(ticket: Ticket, actor: User, *, reason: str, reply_id: int | None = None) -> Ticket:
    """A dispatcher or supervisor sends the lead's last reply back to it to answer again (退回重答,
    要求补充答复), saying what to add or correct: the lead handles the ticket again under a new
    handling deadline (as 重办, but not counted as one: the citizen did not reject it), sees the
    reason in its inbox, and must reply again; the callback waits for that reply. The reply sent
    back has reached the citizen already (a reply is never held: ADR 0014), so the new one is a
    further answer that reaches them too, and the one the callback asks about. The reply's check
    is reviewed by this (its last review), its note the reason. `reply_id`: the reply the reviewer
    read, refused if another came since."""
    reason = require_text(reason, "reason")[:2000]
    reply = ticket.replies.order_by("-pk").first()
    if reply is None or reply.department_id is None:
        raise ActionNotAllowed(_("工单 %(number)s 没有承办单位的答复可以退回") % {"number": ticket.number})
    if reply_id is not None and reply_id != reply.pk:
        raise ActionNotAllowed(
            _("答复 %(id)s 已不是工单 %(number)s 的最新答复，不能退回")
            % {"id": reply_id, "number": ticket.number}
        )
    now = clock.now()
    lead = _reopen_to_lead(ticket, now)
    if lead is None:
        raise ActionNotAllowed(_("工单 %(number)s 没有承办单位的答复可以退回") % {"number": ticket.number})
    ticket.callback_due_at = None
    # The send-back is the check's last review, whatever came before it.
    ReplyCheck.objects.filter(reply=reply).update(
        reviewed_by=actor, reviewed_at=now, review_note=reason, returned=True
    )
    events.reply_returned(ticket, actor, reply_id=reply.pk, reason=reason, reopened_to=lead, at=now)
    return ticket


@transition("answer_on_spot")
def do_answer_on_spot(
    ticket: Ticket, actor: User, *, text: str, article: tuple[int, int, str] | None = None
) -> Ticket:
    """The operator answers a consultation directly (直接答复), without dispatching it. `article`:
    (id, version, title) of the knowledge-base article the answer came from, named on the
    timeline (`knowledge.actions.answer_on_spot` passes it and records the use)."""
    if ticket.kind != Kind.CONSULTATION:
        raise ActionNotAllowed(_("只有咨询类诉求可以直接答复"))
    text = _answer_text(text)
    now = clock.now()
    reply = Reply.objects.create(ticket=ticket, department=None, text=text, replied_by=actor, replied_at=now)
    events.answered_on_spot(ticket, actor, reply_id=reply.pk, at=now, article=article)
    return ticket


def _reopen_to_lead(ticket: Ticket, at: datetime) -> Assignment | None:
    """重办: the lead handles the ticket again under a new handling deadline (sign-off was done the
    first time). None when the ticket was answered on the spot: it goes to dispatch like a new one."""
    lead = ticket.lead_assignment
    if ticket.status != S.REPLIED or lead is None:
        return None
    deadlines, _terms = deadlines_for(ticket, lead.department, at)
    lead.status = AssignmentStatus.ACCEPTED
    lead.due_at = lead.original_due_at = deadlines.due_at
    lead.deadline_assumed = deadlines.assumed
    lead.overdue_at = None
    lead.save()
    return lead


def _appellant(ticket: Ticket, appeal_id: int | None, *, first_of: str) -> Appellant | None:
    """The person whose appeal `appeal_id` names, which must be one of the ticket's; without one,
    the first whom `first_of` says is still owed a call ("callback": not called back since the last
    answer; "attempt": not called back nor tried), else the first person. None: a ticket without
    appeals."""
    round_ = callback_round(ticket)
    if appeal_id is not None:
        named = next((p for p in round_ if any(a.pk == appeal_id for a in p.appeals)), None)
        if named is None:
            raise InvalidInput(
                _("appeal_id: 诉求 %(id)s 不是工单 %(number)s 或其合并工单的诉求")
                % {"id": appeal_id, "number": ticket.number}
            )
        return named
    waiting = [a for a in round_ if a.callback is None and (first_of == "callback" or a.attempts == 0)]
    return next(iter(waiting), None) or next(iter(round_), None)


@transition("callback")
def do_record_callback(
    ticket: Ticket,
    actor: User,
    *,
    resolution: str,
    satisfaction: str,
    note: str = "",
    appeal_id: int | None = None,
) -> Ticket:
    """Record the satisfaction callback (回访) with one appellant (`appeal_id`, or any other appeal of
    theirs; by default the first not yet called back since the last answer): it names them by their
    first appeal and covers all of theirs. Unsatisfied reopens the ticket to the lead (重办).
    The figures count one callback per answer: this one, which supersedes the answer's earlier ones."""
    if resolution not in Resolution.values:
        raise InvalidInput(_("resolution: 应为 %(values)s 之一") % {"values": one_of(Resolution)})
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("satisfaction: 应为 %(values)s 之一") % {"values": one_of(Satisfaction)})
    appellant = _appellant(ticket, appeal_id, first_of="callback")
    now = clock.now()
    reopen = satisfaction == Satisfaction.UNSATISFIED
    reply = ticket.replies.order_by("-pk").first()
    Callback.objects.filter(ticket=ticket, reply=reply, counted=True).update(counted=False)
    callback = Callback.objects.create(
        ticket=ticket,
        reply=reply,
        appeal=appellant.appeal if appellant is not None else None,
        resolution=resolution,
        satisfaction=satisfaction,
        note=note.strip(),
        reopened=reopen,
        called_by=actor,
        called_at=now,
    )
    to, lead = ticket.status, None
    if reopen:
        ticket.reopen_count += 1
        # No callback is due until the next reply, which sets its own deadline: the one of the answer
        # just rejected would still show on a ticket that is back at work.
        ticket.callback_due_at = None
        lead = _reopen_to_lead(ticket, now)
        to = S.REOPENED if lead is not None else S.NEW
    events.called_back(
        ticket,
        actor,
        callback_id=callback.pk,
        resolution=resolution,
        satisfaction=satisfaction,
        to_status=to,
        reopened_to=lead,
        appeal_id=callback.appeal_id,
        covered=[a.pk for a in appellant.appeals] if appellant is not None else [],
        at=now,
    )
    return ticket


@transition("callback_attempt")
def do_record_callback_attempt(
    ticket: Ticket, actor: User, *, note: str = "", appeal_id: int | None = None
) -> Ticket:
    """An appellant could not be reached for the callback (回访未接通): `appeal_id` (or any other
    appeal of theirs: named, as by the callback, by their first), by default the first still to
    call. The ticket stays where it is; the attempt is counted (since the ticket was last answered)
    and the next call is due after `settings.HOTLINE["CALLBACK_RETRY_HOURS"]`."""
    appellant = _appellant(ticket, appeal_id, first_of="attempt")
    now = clock.now()
    events.callback_attempted(
        ticket,
        actor,
        attempt=callback_attempts(ticket) + 1,
        note=note.strip(),
        retry_at=now + retry_delay(),
        appeal_id=appellant.appeal.pk if appellant is not None else None,
        covered=[a.pk for a in appellant.appeals] if appellant is not None else [],
        at=now,
    )
    return ticket


@transition("close")
def do_close_ticket(ticket: Ticket, actor: User, *, note: str = "") -> Ticket:
    """Close a replied ticket (办结) once a callback after the last reply has been recorded, and
    every other appellant (one per number) with a phone number was called back or tried since the
    last answer. A ticket none of whose appellants left a number cannot be called back: it is
    closed without a callback, and its timeline says so (`no_contact`). No callback is recorded
    for it, so the figures count it as they would any answer that did not reach the citizen: not in
    满意率 nor 解决率 (callbacks only), and not as reached in 回复率."""
    last_reply = ticket.replies.order_by("-pk").first()
    callback = ticket.callbacks.filter(reopened=False, reply=last_reply).order_by("-pk").first()
    round_ = callback_round(ticket)
    no_contact = not any(a.reachable for a in round_)
    if callback is None and not no_contact:
        raise ActionNotAllowed(_("工单 %(number)s 尚未回访，不能办结") % {"number": ticket.number})
    held = _held_for_review(last_reply)
    if held is not None:
        raise ActionNotAllowed(
            _("工单 %(number)s 的答复质量存疑，须经派单员或督办员复核后才能办结（%(reasons)s）")
            % {"number": ticket.number, "reasons": reasons_text(held)}
        )
    left = [a.appeal for a in round_ if a.to_call]
    if left:
        raise ActionNotAllowed(
            _("工单 %(number)s 还有诉求人未回访：%(who)s")
            % {
                "number": ticket.number,
                # Translators: the separator between names in a list (an enumeration comma in Chinese).
                "who": _("、").join(
                    _("%(name)s（%(phone)s）")
                    % {"name": a.citizen_name or _("匿名"), "phone": mask_phone(a.citizen_phone)}
                    for a in left
                ),
            }
        )
    events.closed(
        ticket,
        actor,
        callback_id=callback.pk if callback is not None else None,
        note=note,
        at=clock.now(),
        no_contact=no_contact and callback is None,
    )
    return ticket


# --- the reply-quality check (答复质量) ------------------------------------------------------------


def check_reply(ticket: Ticket, reply: Reply, at: datetime) -> ReplyCheck:
    """Score a department's reply as it is sent (`feedback.quality`) and keep the scores; a weak
    reply goes out all the same and is flagged to dispatch and supervision with its reasons."""
    result = quality.check(ticket.title, ticket.content, reply.text)
    return ReplyCheck.objects.create(
        reply=reply,
        relevance=result.relevance,
        completeness=result.completeness,
        interpretability=result.interpretability,
        weak=result.weak,
        reasons=result.reasons,
        checked_at=at,
    )


def reasons_text(check: ReplyCheck) -> str:
    """The reasons of a check in one line, in the active language: 完整性：缺少…；可解释性：…"""
    parts = [
        _("%(label)s：%(value)s") % {"label": _(quality.CRITERION_NAMES[name]), "value": _("，").join(lines)}
        for name, lines in quality.sentences(check.reasons).items()
        if name in quality.CRITERION_NAMES
    ]
    # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
    return _("；").join(parts)


def _held_for_review(reply: Reply | None) -> ReplyCheck | None:
    """With the check before closing (`HOTLINE["REPLY_CHECK"]["WHEN"] == "close"`), the last reply's
    check while it is flagged and nobody has reviewed it; None otherwise."""
    if reply is None or settings.HOTLINE["REPLY_CHECK"]["WHEN"] != "close":
        return None
    return ReplyCheck.objects.filter(reply=reply, weak=True, reviewed_at__isnull=True).first()


def do_review_reply_check(check: ReplyCheck, actor: User, *, note: str = "") -> ReplyCheck:
    """A dispatcher or supervisor has read a flagged reply (复核): the flag leaves the list and, with
    the check before closing, the ticket may be closed. The scores stay as they were. A reply that
    should be redone is sent back to its unit (`do_return_reply`), or reopened by the callback
    (不满意 → 重办), not here."""
    require_role(actor, "review_reply")
    with transaction.atomic():
        check = ReplyCheck.objects.select_for_update().get(pk=check.pk)
        if not check.weak:
            raise ActionNotAllowed(_("该答复未被标记为质量存疑，无需复核"))
        if check.reviewed_at is not None:
            who = check.reviewed_by.display_name if check.reviewed_by else _("他人")
            raise ActionNotAllowed(_("该答复已由 %(who)s 复核") % {"who": who})
        check.reviewed_by = actor
        check.reviewed_at = clock.now()
        check.review_note = note.strip()[:2000]
        check.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return check
