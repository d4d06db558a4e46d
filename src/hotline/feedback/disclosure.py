"""What of a ticket's answers may be shown beyond the handling departments: the numbers in a text
masked or kept by `core.phone.mask_numbers`, told which lines are offices' (the directory's
departments' phones) and which are the ticket's citizens' (the numbers the appellants gave, their
own and those of the duplicates merged into the ticket, and the numbers written in their appeals).

- `staff_text(text, ticket)`: a text staff wrote to be read by others (a reply, a department's
  answer, a knowledge-base article, a published suggestion's answer): office lines kept, the
  citizens' numbers, mobiles and unlabelled numbers masked;
- `citizen_text(text, ticket)`: a citizen's own words: every number masked, and the ticket's
  citizens' numbers wherever they stand;
- `addressed_to(text, appeal, appeals)`: a reply as one appellant of a ticket with several reads
  it (their SMS or mail, the portal's progress page): the names of the other appellants in it (a
  greeting typed by the handler: "张女士您好！") read as the neutral 市民, since a ticket's answer
  reaches every appellant, merged duplicates' included; `names_to_many(text, appeals)`: those
  names, for the warning before a reply is sent.

Used by the public answers (`web.qa`), the case library's story (`knowledge.cases.story_of`), the
reports' typical cases (`analytics.typical_cases`), a knowledge-base proposal's question
(`knowledge.actions`) and an Open311 request's description (`open311.presenter`); the names, by the
reply's messages (`citizen_messages.outbox.tell_replied`), the portal's progress page
(`web.portal`) and the reply templates and the check before sending (`knowledge.templates`).
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hotline.core.phone import mask_numbers, numbers_in
from hotline.directory.models import Department
from hotline.feedback.selectors import appellants, people
from hotline.intake.models import Appeal
from hotline.tickets.models import Ticket


def official_lines() -> list[str]:
    """The departments' phones in the directory (one query)."""
    return [p for p in Department.objects.exclude(phone="").values_list("phone", flat=True) if p.strip()]


def citizen_numbers(ticket: Ticket | None) -> set[str]:
    """The numbers of the ticket's citizens: those they gave and those written in their appeals."""
    if ticket is None:
        return set()
    found: set[str] = set()
    for appeal in appellants(ticket):
        if appeal.citizen_phone.strip():
            found.add(appeal.citizen_phone)
        found |= numbers_in(f"{appeal.title}\n{appeal.content}\n{appeal.address}")
    return found


def staff_text(
    text: str,
    ticket: Ticket | None = None,
    *,
    also_citizens: Iterable[str] = (),
    official: Iterable[str] | None = None,
) -> str:
    """`text`, written by staff about `ticket` (or about no ticket: an article), as others may read
    it. `also_citizens`: more numbers to mask (a caller's words kept elsewhere); `official`: the
    directory's lines when the caller has them already (a page of many texts reads them once)."""
    lines = official_lines() if official is None else official
    citizens = citizen_numbers(ticket) | {n for n in also_citizens if n}
    return mask_numbers(text, official=lines, citizen=citizens)


def citizen_text(text: str, ticket: Ticket | None = None, *, also_citizens: Iterable[str] = ()) -> str:
    """A citizen's own words as others may read them: every number in them masked, and the numbers
    of `ticket`'s citizens (`also_citizens`: more, or those of a ticket whose appeals the caller has
    read already) where nothing says they are numbers ("家里88881234也行")."""
    citizens = citizen_numbers(ticket) | {n for n in also_citizens if n}
    return mask_numbers(text, citizen=citizens, citizen_text=True)


# --- names -----------------------------------------------------------------------------------------

# A name this short is a surname or a word ("张", "王"), not a name to look for in a text.
MIN_NAME = 2


def neutral_name() -> str:
    """How a reply addresses a citizen it does not name (市民), in the city's language: the
    language replies are written in, whatever the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("市民")


def _names(appeals: Iterable[Appeal]) -> set[str]:
    """The names the appeals' callers gave, those long enough to be told from other words."""
    neutral = neutral_name()
    return {n for a in appeals if len(n := a.citizen_name.strip()) >= MIN_NAME and n != neutral}


def names_to_many(text: str, appeals: Sequence[Appeal]) -> tuple[list[str], int]:
    """The appellants' names that `text` says, and how many people it goes to (`appeals`: a
    ticket's appellants, `feedback.selectors.appellants`; one person per number,
    `feedback.selectors.people`); no names when it goes to one person: then naming them is right."""
    persons = len(people(appeals))
    if persons < 2:
        return [], persons
    return sorted(n for n in _names(appeals) if n in text), persons


def addressed_to(text: str, appeal: Appeal | None, appeals: Sequence[Appeal]) -> str:
    """`text`, a reply to every appellant of a ticket (`appeals`), as the one of `appeal` reads it:
    the names of the other people among them as the neutral 市民, never their own name. `appeal`
    None: a reader who is none of them, for whom every name is another's."""
    own: set[str] = set()
    if appeal is not None:
        mine = next((p for p in people(appeals) if any(a.pk == appeal.pk for a in p)), (appeal,))
        own = _names(mine)
    # Not a name inside the reader's own ("张女" of another within "张女士"): it would change theirs.
    others = {n for n in _names(appeals) - own if not any(n in o for o in own)}
    neutral = neutral_name()
    # Longest first: "张女士" before a "张女" another appellant gave.
    for name in sorted(others, key=len, reverse=True):
        text = text.replace(name, neutral)
    return text
