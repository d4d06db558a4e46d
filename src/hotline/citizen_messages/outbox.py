"""What the citizen is told, and when (告知): stored with the change it tells, sent later.

The loop's actions call these inside their own transaction, so a message exists exactly when the
change does: a rolled-back intake or reply leaves no message, and a crash after the commit loses
none (the worker sends what is stored, `citizen_messages.actions`).

- `tell_accepted`: on intake (受理告知), the ticket number and how to follow it, to the new appeal.
- `tell_dispatched`: when the ticket is sent to its lead department (转办告知), by a dispatcher or
  by routing, and again when an upheld return sends it to another lead: which unit handles it (its
  kind and its public name) and the day and hour its answer is due, to every appellant of the
  ticket (`feedback.selectors.appellants`: the dispatch pays one read for them, the
  rest it holds already). Once per lead assignment: a dispatch is never told twice.
- `tell_extended`: when an extension of the lead's deadline is approved (延期告知), the lead and the
  new day and hour, to every appellant: the date the dispatch message gave no longer holds. Once
  per extension; a co-handler's extension tells nothing. `tell_resumed` tells the same when the
  lead's clock runs again after a suspension (挂起) that moved its deadline.
- `tell_replied`: when the lead department's reply is sent (答复告知), the reply's text, to every
  appellant of the ticket: its own appeals and those of the duplicates merged into it
  (`feedback.selectors.appellants_of`, read at that moment: an appeal un-merged before is not told).

Each appellant is told through their own channel: by mail when the appeal has an address (a letter
writer), else by SMS to a mobile number; an anonymous appeal, or one with only a landline, is told
nothing; an appeal an import brought in under channel `import`, or any import of history (its days
kept: `Appeal.from_history`, whatever channel it names), is told nothing, ever: its citizen was
answered by the system it came from. One message per destination: a citizen with two
appeals on the ticket gets the reply once. The texts are written in the city's language whatever
the actor's, never name a member of staff (the dispatch names the lead department, as the portal's
progress page does), and name the ticket number of the appellant's own appeal in the form the mail
channel threads on (`intake.channels.mail.TICKET_NUMBER`), so that an answer to the mail joins the
ticket.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.accounts.models import User
from hotline.citizen_messages.models import CitizenMessage
from hotline.core import clock
from hotline.core.enums import (
    AssignmentRole,
    Channel,
    CitizenMedium,
    CitizenMessageKind,
    DepartmentLevel,
    SuspensionReason,
)
from hotline.core.phone import mobile_number
from hotline.directory.models import Department
from hotline.feedback.disclosure import addressed_to
from hotline.feedback.models import Reply
from hotline.feedback.selectors import appellants
from hotline.intake.models import Appeal
from hotline.sla.models import Suspension
from hotline.tickets.models import Assignment, Ticket

SUBJECT_MAX = CitizenMessage._meta.get_field("subject").max_length or 200


def config() -> dict[str, object]:
    return settings.HOTLINE["CITIZEN_MESSAGES"]


def destination(appeal: Appeal) -> tuple[str, str] | None:
    """(medium, address) by the appellant's own channel; None: nobody to tell."""
    if appeal.channel == Channel.IMPORT or appeal.from_history:
        return None
    address = appeal.citizen_email.strip().lower()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            pass  # no mail server would take it: by SMS when there is a mobile number
        else:
            return CitizenMedium.EMAIL, address
    if phone := mobile_number(appeal.citizen_phone):
        return CitizenMedium.SMS, phone
    return None


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def _hotline() -> str:
    return _("%(city)s12345") % {"city": settings.HOTLINE["CITY_NAME"]}


def _subject(number: str, what: str, title: str) -> str:
    # The number stands first after the brackets: the mail channel threads on the first number in
    # a subject, and a title may hold something that looks like one.
    subject = f"[{_hotline()}] " + _("工单 %(number)s %(what)s：%(title)s") % {
        "number": number,
        "what": what,
        "title": title,
    }
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sms(text: str) -> str:
    signature = str(config()["SMS_SIGNATURE"]) or f"【{_hotline()}】"
    limit = int(str(config()["SMS_MAX_CHARS"]))
    body = signature + text
    if len(body) <= limit:
        return body
    tail = _("……（完整答复请致电12345查询）")
    return body[: limit - len(tail)] + tail


def _follow_up_sms() -> str:
    url = str(config()["TRACK_URL"])
    if url:
        return _("可凭工单号和手机号后四位在 %(url)s 查询办理进度。") % {"url": url}
    return _("可凭工单号致电12345查询办理进度。")


def _signature() -> list[str]:
    """The last lines of every mail to a citizen."""
    return ["", _("%(hotline)s政务服务便民热线") % {"hotline": _hotline()}, _("（本邮件由系统自动发送）")]


def _follow_up_mail() -> str:
    """How a letter writer adds to an appeal in handling (the dispatch's and deadlines' mails)."""
    return _("如需补充情况，请直接回复本邮件（请保留主题中的工单号），或致电12345。")


def accepted_text(appeal: Appeal, medium: str) -> Text:
    number, title = appeal.ticket.number, appeal.title
    if medium == CitizenMedium.SMS:
        body = _("您反映的“%(title)s”已受理，工单号%(number)s。") % {
            "title": _short(title, 20),
            "number": number,
        }
        return Text("", _sms(body + _follow_up_sms() + _("办理结果将另行告知。")))
    received = clock.localtime(appeal.received_at)
    lines = [
        _("您好："),
        "",
        _("您于%(at)s来信反映的“%(title)s”已受理，工单号 %(number)s。")
        % {"at": f"{received:%Y-%m-%d %H:%M}", "title": title, "number": number},
        _(
            "我们将转交有关单位办理，办理结果将通过本邮箱答复您。如需补充情况，请直接回复本邮件（请保留主题中的工单号）。"
        ),
        *_signature(),
    ]
    return Text(_subject(number, _("已受理"), _short(title, 40)), "\n".join(lines))


def replied_text(appeal: Appeal, reply: Reply, medium: str, *, text: str | None = None) -> Text:
    """`text`: the reply as this appellant reads it (`feedback.disclosure.addressed_to`), by
    default as written."""
    number, title = appeal.ticket.number, appeal.title
    merged = appeal.ticket_id != reply.ticket_id
    text = reply.text if text is None else text
    if medium == CitizenMedium.SMS:
        body = _("您反映的“%(title)s”（工单号%(number)s）已办理，答复如下：") % {
            "title": _short(title, 20),
            "number": number,
        }
        return Text("", _sms(body + " ".join(text.split())))
    lines = [
        _("您好："),
        "",
        _("您反映的“%(title)s”（工单号 %(number)s）已办理，答复如下：") % {"title": title, "number": number},
        "",
        text.strip(),
        "",
    ]
    if merged:
        lines.append(_("（您的诉求与其他市民反映的同一问题已合并办理，以上为合并后的答复。）"))
    lines += [
        _(
            "如对办理结果有意见，请直接回复本邮件（请保留主题中的工单号），或致电12345。我们将回访了解您的满意度。"
        ),
        *_signature(),
    ]
    return Text(_subject(number, _("答复"), _short(title, 40)), "\n".join(lines))


# What a citizen reads for the kind of unit that leads (a territorial unit is where they live).
UNIT_KINDS: dict[tuple[str, bool], Any] = {
    (DepartmentLevel.CITY, False): gettext_lazy("市级职能部门"),
    (DepartmentLevel.DISTRICT, False): gettext_lazy("区县职能部门"),
    (DepartmentLevel.DISTRICT, True): gettext_lazy("属地区县"),
    (DepartmentLevel.STREET, True): gettext_lazy("属地街道、乡镇"),
    (DepartmentLevel.COMMUNITY, True): gettext_lazy("属地社区、村"),
}


def unit(department: Department) -> str:
    """The lead as a citizen is told it: its public name and its kind, e.g. 市住建局（市级职能部门）."""
    kind = UNIT_KINDS.get((department.level, department.is_area)) or _("%(level)s单位") % {
        "level": DepartmentLevel(department.level).label
    }
    return _("%(name)s（%(kind)s）") % {"name": department.name, "kind": kind}


def due_text(at: datetime) -> str:
    """A deadline as a citizen reads it, in the city's zone: 2026年12月8日 17:30."""
    local = clock.localtime(at)
    return _("%(year)d年%(month)d月%(day)d日 %(time)s") % {
        "year": local.year,
        "month": local.month,
        "day": local.day,
        "time": f"{local:%H:%M}",
    }


def dispatched_text(appeal: Appeal, lead: Assignment, medium: str, *, again: bool) -> Text:
    number, title = appeal.ticket.number, appeal.title
    told = {"unit": unit(lead.department), "due": due_text(lead.due_at)}
    if medium == CitizenMedium.SMS:
        head = {"title": _short(title, 20), "number": number}
        if again:
            body = _("您反映的“%(title)s”（工单号%(number)s）经核实已改由%(unit)s办理，") % {**head, **told}
        else:
            body = _("您反映的“%(title)s”（工单号%(number)s）已转交%(unit)s办理，") % {**head, **told}
        body += _("预计%(due)s前答复您。") % told
        return Text("", _sms(body + _follow_up_sms()))
    head = {"title": title, "number": number}
    if again:
        first = _("您反映的“%(title)s”（工单号 %(number)s）经核实已改由 %(unit)s 办理，") % {**head, **told}
    else:
        first = _("您反映的“%(title)s”（工单号 %(number)s）已转交 %(unit)s 办理，") % {**head, **told}
    lines = [_("您好："), "", first + _("预计%(due)s前答复您。") % told]
    if appeal.ticket_id != lead.ticket_id:
        lines.append(_("（您的诉求与其他市民反映的同一问题已合并办理。）"))
    lines += [
        _follow_up_mail(),
        *_signature(),
    ]
    what = _("已改派") if again else _("已转办")
    return Text(_subject(number, what, _short(title, 40)), "\n".join(lines))


def extended_text(appeal: Appeal, lead: Assignment, medium: str) -> Text:
    """The lead's new deadline after an approved extension: the date the dispatch message gave no
    longer holds. The department's reason is for the dispatcher, not repeated to the citizen."""
    number, title = appeal.ticket.number, appeal.title
    told = {"unit": unit(lead.department), "due": due_text(lead.due_at)}
    if medium == CitizenMedium.SMS:
        body = _("您反映的“%(title)s”（工单号%(number)s）经批准由%(unit)s延期办理，预计%(due)s前答复您。") % {
            "title": _short(title, 20),
            "number": number,
            **told,
        }
        return Text("", _sms(body + _follow_up_sms()))
    lines = [
        _("您好："),
        "",
        _("您反映的“%(title)s”（工单号 %(number)s）经批准由 %(unit)s 延期办理，预计%(due)s前答复您。")
        % {"title": title, "number": number, **told},
        _follow_up_mail(),
        *_signature(),
    ]
    return Text(_subject(number, _("延期办理"), _short(title, 40)), "\n".join(lines))


def resumed_text(appeal: Appeal, lead: Assignment, reason: str, medium: str) -> Text:
    """The lead's deadline after its clock stood still (挂起) and runs again: moved by the working
    time it stood, the date the dispatch message gave no longer holds. `reason` is the suspension's
    (a citizen may read it: 待诉求人补充材料), "" when only the department's own note says why."""
    number, title = appeal.ticket.number, appeal.title
    told = {"unit": unit(lead.department), "due": due_text(lead.due_at), "reason": reason}
    if medium == CitizenMedium.SMS:
        head = {"title": _short(title, 20), "number": number}
        body = (
            _("您反映的“%(title)s”（工单号%(number)s）因%(reason)s暂停计时，现已恢复办理，")
            % {**head, **told}
            if reason
            else _("您反映的“%(title)s”（工单号%(number)s）曾暂停计时，现已恢复办理，") % head
        )
        body += _("由%(unit)s办理，预计%(due)s前答复您。") % told
        return Text("", _sms(body + _follow_up_sms()))
    head = {"title": title, "number": number}
    first = (
        _("您反映的“%(title)s”（工单号 %(number)s）因%(reason)s暂停计时，现已恢复办理，") % {**head, **told}
        if reason
        else _("您反映的“%(title)s”（工单号 %(number)s）曾暂停计时，现已恢复办理，") % head
    )
    lines = [
        _("您好："),
        "",
        first + _("办理时限相应顺延，由 %(unit)s 办理，预计%(due)s前答复您。") % told,
        _follow_up_mail(),
        *_signature(),
    ]
    return Text(_subject(number, _("恢复办理"), _short(title, 40)), "\n".join(lines))


def _store(
    *,
    key: str,
    ticket: Ticket,
    appeal: Appeal,
    kind: str,
    medium: str,
    to: str,
    text: Text,
    actor: User | None,
    at: datetime,
    reply: Reply | None = None,
) -> CitizenMessage:
    # One INSERT: the key names an appeal, a lead assignment or a reply stored in this very
    # transaction, so it is new; the unique constraint stands guard all the same (a second store of
    # one message fails loudly).
    return CitizenMessage.objects.create(
        dedupe_key=key,
        ticket=ticket,
        appeal=appeal,
        reply=reply,
        kind=kind,
        medium=medium,
        to=to,
        subject=text.subject,
        body=text.body,
        created_at=at,
        created_by=actor,
        next_attempt_at=at,
    )


def tell_accepted(ticket: Ticket, appeal: Appeal, actor: User | None, at: datetime) -> CitizenMessage | None:
    """受理告知 to the appellant of a new appeal; None when there is nobody to tell."""
    if not config()["ON_ACCEPT"]:
        return None
    found = destination(appeal)
    if found is None:
        return None
    medium, to = found
    with translation.override(settings.LANGUAGE_CODE):
        text = accepted_text(appeal, medium)
    return _store(
        key=f"accepted:{appeal.pk}",
        ticket=ticket,
        appeal=appeal,
        kind=CitizenMessageKind.ACCEPTED,
        medium=medium,
        to=to,
        text=text,
        actor=actor,
        at=at,
    )


def tell_dispatched(
    ticket: Ticket, lead: Assignment, actor: User | None, at: datetime, *, again: bool = False
) -> list[CitizenMessage]:
    """转办告知 to every appellant of `ticket` (its own and its merged duplicates'), once each, of
    its dispatch to `lead` (the new lead assignment, its department and deadline as the dispatch
    made them: nothing of it is read again). `again`: a return was upheld and another unit leads."""
    if not config()["ON_DISPATCH"]:
        return []
    return _tell_all(
        ticket,
        lambda appeal, medium: dispatched_text(appeal, lead, medium, again=again),
        key=f"dispatched:{lead.pk}",
        kind=CitizenMessageKind.DISPATCHED,
        actor=actor,
        at=at,
    )


def tell_extended(
    ticket: Ticket, lead: Assignment, extension_id: int, actor: User | None, at: datetime
) -> list[CitizenMessage]:
    """延期告知 to every appellant of `ticket`, once each, when the extension `extension_id` of its
    lead assignment `lead` is approved (`lead.due_at` is the new deadline). A co-handler's extension
    changes nothing the citizen was told. Sent when the dispatch message is (ON_DISPATCH): it
    corrects that message's date."""
    if not config()["ON_DISPATCH"] or lead.role != AssignmentRole.LEAD:
        return []
    return _tell_all(
        ticket,
        lambda appeal, medium: extended_text(appeal, lead, medium),
        key=f"extended:{extension_id}",
        kind=CitizenMessageKind.EXTENDED,
        actor=actor,
        at=at,
    )


def tell_resumed(
    ticket: Ticket, lead: Assignment, suspension: Suspension, actor: User | None, at: datetime
) -> list[CitizenMessage]:
    """延期告知 to every appellant of `ticket`, once each, when the lead assignment `lead` resumes
    after its suspension `suspension` and its deadline moved (`lead.due_at` is the new one): the
    citizen learns the new date as for an approved extension. A co-handler's clock tells nothing;
    nor does a suspension that stood outside working time (the date holds). Sent when the dispatch
    message is (ON_DISPATCH)."""
    if not config()["ON_DISPATCH"] or lead.role != AssignmentRole.LEAD:
        return []
    reason = "" if suspension.reason == SuspensionReason.OTHER else str(suspension.get_reason_display())
    return _tell_all(
        ticket,
        lambda appeal, medium: resumed_text(appeal, lead, reason, medium),
        key=f"resumed:{suspension.pk}",
        kind=CitizenMessageKind.EXTENDED,
        actor=actor,
        at=at,
    )


def tell_replied(ticket: Ticket, reply: Reply, actor: User | None, at: datetime) -> list[CitizenMessage]:
    """答复告知 to every appellant of `ticket` (its own and its merged duplicates'), once each; each
    reads the other appellants' names in it as 市民 (`feedback.disclosure.addressed_to`)."""
    everyone = appellants(ticket)
    return _tell_all(
        ticket,
        lambda appeal, medium: replied_text(
            appeal, reply, medium, text=addressed_to(reply.text, appeal, everyone)
        ),
        key=f"replied:{reply.pk}",
        kind=CitizenMessageKind.REPLIED,
        actor=actor,
        at=at,
        reply=reply,
        appeals=everyone,
    )


def _tell_all(
    ticket: Ticket,
    text_for: Callable[[Appeal, str], Text],
    *,
    key: str,
    kind: str,
    actor: User | None,
    at: datetime,
    reply: Reply | None = None,
    appeals: list[Appeal] | None = None,
) -> list[CitizenMessage]:
    """One message to each destination among the ticket's appellants (its own appeals and its merged
    duplicates', `feedback.selectors.appellants`: one read, none when the caller read them:
    `appeals`), keyed `key:medium:address`."""
    stored: list[CitizenMessage] = []
    seen: set[tuple[str, str]] = set()
    with translation.override(settings.LANGUAGE_CODE):
        for appeal in appellants(ticket) if appeals is None else appeals:
            found = destination(appeal)
            if found is None or found in seen:
                continue
            seen.add(found)
            medium, to = found
            stored.append(
                _store(
                    key=f"{key}:{medium}:{to}",
                    ticket=ticket,
                    appeal=appeal,
                    reply=reply,
                    kind=kind,
                    medium=medium,
                    to=to,
                    text=text_for(appeal, medium),
                    actor=actor,
                    at=at,
                )
            )
    return stored


def retry_delay(attempts: int) -> timedelta:
    """How long after the `attempts`-th failed attempt the next one is made: doubling from
    RETRY_MINUTES, at most a day."""
    minutes = float(str(config()["RETRY_MINUTES"])) * 2 ** max(attempts - 1, 0)
    return timedelta(minutes=min(minutes, 24 * 60))
