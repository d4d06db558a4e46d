"""Answered suggestions published on 百问百答 (`PublishedSuggestion`): how one gets there and what
it may say.

A suggestion (建议) that a department answered (replied or closed) is published by an editor (those
who review the knowledge base's public answers, `ACTION_ROLES["publish_suggestion"]`), never by
itself: the editor writes a title and the suggestion in general words, and the answer as the public
reads it (drafted from the reply's substance, `draft_answer`). What is published shows the
category, the district (not the street, the community or the address), the answering unit and the
date; never the citizen's name, number, address or words, nor the ticket's number.

`do_publish_suggestion` refuses, naming what it found, a text that holds:
- an appellant's name, one of their numbers (`feedback.disclosure.citizen_numbers`), a mobile or an
  identity-card number;
- the ticket's number (or a merged duplicate's);
- part of an appellant's address below the district (any four characters of it in a row: 玉兰花园,
  幸福路12);
- the citizen's own words: twelve characters in a row of the appeal's text, or its title as it is.
The answer's office lines are kept; it is shown through `disclosure.staff_text` all the same.
`do_withdraw_suggestion` takes it down; publishing again puts it back with the new words.
`find_published` searches the published ones by the query's character pairs (hundreds of rows, not
the knowledge base's index).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.core import clock
from hotline.core.enums import DepartmentLevel, Kind, TicketStatus
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.core.phone import mask_numbers
from hotline.directory.models import Department
from hotline.feedback.disclosure import citizen_numbers, official_lines, staff_text
from hotline.feedback.models import PublishedSuggestion, Reply
from hotline.feedback.quality import _bigrams, normalize, substance
from hotline.feedback.selectors import appellants
from hotline.taxonomy.models import Category
from hotline.taxonomy.selectors import category_and_below
from hotline.tickets.models import Ticket

MAX_TITLE = 200
MAX_TEXT = 5000
# Characters in a row that make a copy of the citizen's words, or a part of their address.
COPIED_RUN = 12
ADDRESS_RUN = 4
_ANSWERED = (TicketStatus.REPLIED, TicketStatus.CLOSED)
_MARK = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class SuggestionText:
    """What the editor writes for the public."""

    title: str
    question: str
    answer: str


def public() -> QuerySet[PublishedSuggestion]:
    """The suggestions on the public page, newest first."""
    return (
        PublishedSuggestion.objects.filter(withdrawn_at__isnull=True)
        .select_related("category", "district", "department", "ticket")
        .order_by("-published_at", "-pk")
    )


def answered_suggestions() -> QuerySet[Ticket]:
    """The suggestions a department answered: those an editor may publish."""
    return Ticket.objects.filter(kind=Kind.SUGGESTION, status__in=_ANSWERED)


def last_reply(ticket: Ticket) -> Reply | None:
    return ticket.replies.filter(department__isnull=False).order_by("-replied_at", "-pk").first()


def draft_answer(ticket: Ticket) -> str:
    """A first draft of the public answer: the last reply without its letter (greeting with the
    citizen's name, signature), numbers masked as for publication. The editor reads and edits it."""
    reply = last_reply(ticket)
    return staff_text(substance(reply.text), ticket) if reply is not None else ""


def district_of(area: Department | None) -> Department | None:
    """The district (区县) an area is in, or the area itself when it is one; None above or without."""
    node, steps = area, 0
    while node is not None and steps < 10:
        if node.level == DepartmentLevel.DISTRICT:
            return node
        node, steps = node.parent, steps + 1
    return None


def _runs(text: str, size: int) -> set[str]:
    plain = _MARK.sub("", text)
    return {plain[i : i + size] for i in range(len(plain) - size + 1)}


def _below_district(address: str, district: Department | None) -> str:
    """An address without what names the city and the district (the part that may be shown)."""
    text = address
    if district is not None:
        _head, found, tail = text.partition(district.name)
        text = tail if found else text
    return text


def personal_data(texts: Iterable[str], ticket: Ticket) -> list[str]:
    """What in `texts` would tell who the citizen is or repeat their words, as the refusal names
    it (empty: nothing found)."""
    joined = "\n".join(texts)
    plain = _MARK.sub("", joined)
    people = appellants(ticket)
    found: list[str] = []
    names = {a.citizen_name.strip() for a in people if len(a.citizen_name.strip()) >= 2}
    found += [_("诉求人姓名“%(name)s”") % {"name": n} for n in sorted(names) if n in joined]
    if mask_numbers(joined, official=official_lines(), citizen=citizen_numbers(ticket)) != joined:
        found.append(_("电话或证件号码"))
    # The ticket's number and those of the duplicates merged into it (their appeals' tickets).
    numbers = sorted({ticket.number, *(a.ticket.number for a in people)})
    found += [_("工单编号 %(number)s") % {"number": n} for n in numbers if n in joined]
    district = district_of(ticket.area)
    runs: set[str] = set()
    for address in {ticket.address, *(a.address for a in people)}:
        runs |= _runs(_below_district(address or "", district), ADDRESS_RUN)
    if hit := sorted(r for r in runs if r in plain):
        found.append(_("具体地址“%(words)s”") % {"words": hit[0]})
    copied = set()
    for a in people:
        copied |= _runs(a.content, COPIED_RUN)
    if copied & _runs(joined, COPIED_RUN):
        found.append(_("诉求原文（请概括改写）"))
    return found


def _checked(ticket: Ticket, data: SuggestionText) -> SuggestionText:
    title, question, answer = data.title.strip(), data.question.strip(), data.answer.strip()
    problems = []
    if not title or len(title) > MAX_TITLE:
        problems.append(_("title: 标题须为 1 到 %(n)d 字") % {"n": MAX_TITLE})
    if not question or len(question) > MAX_TEXT:
        problems.append(_("question: 建议内容须为 1 到 %(n)d 字") % {"n": MAX_TEXT})
    if not answer or len(answer) > MAX_TEXT:
        problems.append(_("answer: 答复须为 1 到 %(n)d 字") % {"n": MAX_TEXT})
    if normalize(title) in {normalize(a.title) for a in appellants(ticket)}:
        problems.append(_("title: 标题请概括改写，不能照抄诉求标题"))
    # Each field on its own, named: the answer is drafted from the reply, so what is found there
    # was not typed by the editor, who must be told where to look.
    for name, text in (("title", title), ("question", question), ("answer", answer)):
        if found := personal_data((text,), ticket):
            # Translators: the separator between names in a list (an enumeration comma in Chinese).
            listed = _("、").join(found)
            problems.append(f"{name}: " + _("公开内容含有个人信息：%(found)s") % {"found": listed})
    if problems:
        raise InvalidInput("; ".join(problems))
    return SuggestionText(title, question, answer)


def do_publish_suggestion(ticket: Ticket, actor: User, data: SuggestionText) -> PublishedSuggestion:
    """Publish an answered suggestion in the editor's words (or change what is published, or put
    it back after it was taken down)."""
    require_role(actor, "publish_suggestion")
    if ticket.kind != Kind.SUGGESTION or ticket.status not in _ANSWERED:
        raise ActionNotAllowed(_("只有已答复的建议可以公开"))
    reply = last_reply(ticket)
    if reply is None:
        raise ActionNotAllowed(_("只有已答复的建议可以公开"))
    text = _checked(ticket, data)
    now = clock.now()
    with transaction.atomic():
        published, _created = PublishedSuggestion.objects.update_or_create(
            ticket=ticket,
            defaults={
                "title": text.title,
                "question": text.question,
                "answer": text.answer,
                "category": ticket.category,
                "district": district_of(ticket.area),
                "department": reply.department,
                "published_by": actor,
                "published_at": now,
                "withdrawn_by": None,
                "withdrawn_at": None,
            },
        )
    return published


def do_withdraw_suggestion(published: PublishedSuggestion, actor: User) -> PublishedSuggestion:
    """Take a published suggestion off the public page."""
    require_role(actor, "publish_suggestion")
    if published.withdrawn_at is not None:
        raise ActionNotAllowed(_("该建议已撤下"))
    published.withdrawn_by, published.withdrawn_at = actor, clock.now()
    published.save(update_fields=["withdrawn_by", "withdrawn_at"])
    return published


def find_published(
    text: str, *, category: Category | None = None, limit: int = 20
) -> list[PublishedSuggestion]:
    """The published suggestions that share the most character pairs with `text` (a title's count
    twice), at least one; in a category (or under it) when given."""
    wanted = _bigrams(normalize(text))
    if not wanted:
        return []
    rows = public()
    if category is not None:
        rows = rows.filter(category_id__in=category_and_below(category.pk))
    scored = []
    for row in rows[:2000]:
        score = 2 * len(wanted & _bigrams(normalize(row.title))) + len(
            wanted & _bigrams(normalize(f"{row.question}{row.answer}"))
        )
        if score:
            scored.append((-score, -row.published_at.timestamp(), row.pk, row))
    return [row for *_key, row in sorted(scored, key=lambda s: s[:3])][:limit]
