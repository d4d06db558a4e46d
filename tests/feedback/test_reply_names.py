"""A reply to every appellant of a ticket, as each one reads it (`feedback.disclosure.addressed_to`):
the names of the other people in it read as 市民, never the reader's own."""

import pytest

from hotline.feedback.disclosure import addressed_to, names_to_many
from hotline.intake.models import Appeal


def appeal(pk: int, name: str, phone: str) -> Appeal:
    return Appeal(pk=pk, citizen_name=name, citizen_phone=phone)


ZHANG = appeal(1, "张女士", "13800001111")
ZHANG_AGAIN = appeal(2, "张女士", "+86 138 0000 1111")  # her second call: one person
LI = appeal(3, "李先生", "13900002222")
WANG = appeal(4, "王先生", "13700003333")
WANG_TOO = appeal(5, "王先生", "13600004444")  # another man of the same name
SHORT = appeal(6, "张", "13500005555")
ZHANG_NU = appeal(7, "张女", "13400006666")


HERS = "张女士您好！已办理。"


@pytest.mark.parametrize(
    ("reader", "appeals", "text", "read"),
    [
        (LI, [ZHANG, LI], HERS, "市民您好！已办理。"),
        (ZHANG, [ZHANG, LI], HERS, HERS),
        (ZHANG_AGAIN, [ZHANG, ZHANG_AGAIN, LI], HERS, HERS),
        (WANG_TOO, [WANG, WANG_TOO], "王先生您好！", "王先生您好！"),  # his own name too
        (LI, [ZHANG, LI, SHORT], HERS, "市民您好！已办理。"),  # a surname alone is no name to look for
        (ZHANG, [ZHANG, ZHANG_NU], HERS, HERS),  # another's name inside hers
        (ZHANG_NU, [ZHANG, ZHANG_NU], HERS, "市民您好！已办理。"),
        (None, [ZHANG, LI], HERS, "市民您好！已办理。"),
    ],
)
def test_each_reads_the_others_names_as_citizen(reader, appeals, text, read) -> None:
    assert addressed_to(text, reader, appeals) == read


def test_names_are_warned_of_only_when_the_reply_goes_to_several_people() -> None:
    assert names_to_many("张女士您好！", [ZHANG, ZHANG_AGAIN]) == ([], 1)
    assert names_to_many("张女士您好！", [ZHANG, ZHANG_AGAIN, LI]) == (["张女士"], 2)
    assert names_to_many("市民您好！", [ZHANG, LI]) == ([], 2)
