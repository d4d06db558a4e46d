"""What of a ticket's answers may be shown beyond the handling departments: the numbers in a text
masked or kept by `core.phone.mask_numbers`, told which lines are offices' (the directory's
departments' phones) and which are the ticket's citizens' (the numbers the appellants gave, their
own and those of the duplicates merged into the ticket, and the numbers written in their appeals).

- `staff_text(text, ticket)`: a text staff wrote to be read by others (a reply, a department's
  answer, a knowledge-base article, a published suggestion's answer): office lines kept, the
  citizens' numbers, mobiles and unlabelled numbers masked;
- `citizen_text(text, ticket)`: a citizen's own words: every number masked, and the ticket's
  citizens' numbers wherever they stand.

Used by the public answers (`web.qa`), the case library's story (`knowledge.cases.story_of`), the
reports' typical cases (`analytics.typical_cases`), a knowledge-base proposal's question
(`knowledge.actions`) and an Open311 request's description (`open311.presenter`).
"""

from collections.abc import Iterable

from hotline.core.phone import mask_numbers, numbers_in
from hotline.directory.models import Department
from hotline.feedback.selectors import appellants
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
