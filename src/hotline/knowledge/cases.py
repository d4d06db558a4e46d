"""The case library (案例库): closed tickets marked as typical cases, with the handling story.

`title_of(ticket)` drafts the case's title from the ticket's, its numbers masked; `story_of(ticket)`
the story from the ticket's record (what was asked, who handled it and how, the answer, what the
citizen said at the callback); the person who marks the case edits both.
`do_mark_case` marks a closed ticket, once; `do_unmark_case` takes it out. `find_cases` searches
them by the question's words (jieba), the most words found first: the library holds hundreds, not
the knowledge base's hundreds of thousands, so the words are matched in the rows themselves.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.core import clock
from hotline.core.enums import Resolution, Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.feedback.disclosure import (
    addressed_to,
    citizen_numbers,
    citizen_text,
    official_lines,
    staff_text,
)
from hotline.feedback.models import Callback
from hotline.feedback.selectors import appellants
from hotline.knowledge.models import Case
from hotline.knowledge.text import query_words
from hotline.taxonomy.models import Category
from hotline.tickets.models import Assignment, Ticket

MAX_STORY = 20_000


def title_of(ticket: Ticket, *, citizens: set[str] | None = None) -> str:
    """A first draft of the case's title: the ticket's, as a citizen wrote it on the portal or the
    web ("请回电139…"), with every number in it masked (`feedback.disclosure.citizen_text`): all
    staff read the library, whoever marks the case. `citizens`: the ticket's citizens' numbers when
    the caller has read them already (`citizen_numbers`)."""
    known = citizen_numbers(ticket) if citizens is None else citizens
    return citizen_text(ticket.title, also_citizens=known)


def story_of(ticket: Ticket) -> str:
    """A first draft of the handling story, from the ticket's record; citizens' numbers masked and
    their names read as 市民, the office lines the departments' answers give kept
    (`feedback.disclosure`)."""
    citizens, offices = citizen_numbers(ticket), official_lines()
    # Read by people none of the appellants wrote to (the library, the reports): none is named.
    everyone = appellants(ticket)
    content = addressed_to(citizen_text(ticket.content, also_citizens=citizens), None, everyone)
    title = title_of(ticket, citizens=citizens)
    lines = [_("诉求：%(title)s。%(content)s") % {"title": title, "content": content[:500]}]

    def told(text: str) -> str:
        return addressed_to(staff_text(text, also_citizens=citizens, official=offices), None, everyone)

    reply = ticket.replies.order_by("-pk").first()
    replied = told(reply.text)[:2000] if reply is not None else ""
    # Each text once: the lead's answer is the reply the citizen got (or part of it), told under
    # 答复; a department's answer that another already gave (a lead re-dispatched) is not repeated.
    said = [_squeezed(replied)] if replied else []
    for a in (
        Assignment.objects.filter(ticket=ticket).select_related("department").order_by("dispatched_at", "pk")
    ):
        role = _("主办") if a.role == "lead" else _("协办")
        line = _("%(role)s：%(department)s") % {"role": role, "department": a.department.name}
        answered = told(a.answer)[:800] if a.answer else ""
        if answered and not any(_squeezed(answered) in text for text in said):
            line += _("，办理情况：%(answer)s") % {"answer": answered}
            said.append(_squeezed(answered))
        lines.append(line)
    if replied:
        lines.append(_("答复：%(text)s") % {"text": replied})
    callback = Callback.objects.filter(ticket=ticket, counted=True).order_by("-pk").first()
    if callback is not None:
        lines.append(
            _("回访：%(resolution)s，%(satisfaction)s")
            % {
                "resolution": Resolution(callback.resolution).label,
                "satisfaction": Satisfaction(callback.satisfaction).label,
            }
        )
    return "\n".join(lines)


def _squeezed(text: str) -> str:
    """The text without its whitespace, to tell one answer repeated from another."""
    return "".join(text.split())


def do_mark_case(ticket: Ticket, actor: User, *, title: str, story: str, lesson: str = "") -> Case:
    """Mark a closed ticket as a typical case (典型案例)."""
    require_role(actor, "mark_case")
    title, story, lesson = title.strip(), story.strip(), lesson.strip()
    problems = []
    if not title or len(title) > 200:
        problems.append(_("title: 标题须为 1 到 200 字"))
    if not story or len(story) > MAX_STORY:
        problems.append(_("story: 办理经过须为 1 到 %(n)d 字") % {"n": MAX_STORY})
    if len(lesson) > MAX_STORY:
        problems.append(_("lesson: 经验做法不能超过 %(n)d 字") % {"n": MAX_STORY})
    if problems:
        # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
        raise InvalidInput(_("；").join(problems))
    if ticket.status != TicketStatus.CLOSED:
        raise ActionNotAllowed(_("只有已办结的工单可以作为典型案例"))
    try:
        with transaction.atomic():
            return Case.objects.create(
                ticket=ticket,
                title=title,
                story=story,
                lesson=lesson,
                category=ticket.category,
                marked_by=actor,
                marked_at=clock.now(),
            )
    except IntegrityError:
        raise ActionNotAllowed(_("工单 %(number)s 已是典型案例") % {"number": ticket.number}) from None


def do_unmark_case(case: Case, actor: User) -> None:
    require_role(actor, "mark_case")
    Case.objects.filter(pk=case.pk).delete()


def find_cases(text: str, *, category: Category | None = None, limit: int = 20) -> list[Case]:
    """The cases that share the most of the question's words (title, story, lesson), newest first
    among equals; every case, newest first, without a question."""
    cases: QuerySet[Case] = Case.objects.select_related("ticket", "category")
    if category is not None:
        cases = cases.filter(
            Q(category=category) | Q(category__parent=category) | Q(category__parent__parent=category)
        )
    words = query_words(text)
    if not words:
        return list(cases[:limit])
    any_word = Q()
    for w in words:
        any_word |= Q(title__icontains=w) | Q(story__icontains=w) | Q(lesson__icontains=w)
    found = list(cases.filter(any_word)[:500])

    def matched(case: Case) -> int:
        text = f"{case.title} {case.title} {case.story} {case.lesson}"
        return sum(text.count(w) > 0 for w in words) * 2 + sum(w in case.title for w in words)

    found.sort(key=lambda c: (-matched(c), -c.marked_at.timestamp()))
    return found[:limit]
