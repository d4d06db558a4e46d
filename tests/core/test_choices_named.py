"""A refusal of a value outside a choice lists what may be sent, each with its name as people read
it: a page's reader learns what the codes mean, an API's client what to send."""

import pytest

from hotline.core.enums import SuspensionReason
from hotline.core.errors import InvalidInput
from hotline.feedback.actions import do_record_callback
from hotline.sla.actions import do_suspend_assignment
from hotline.supervision.actions import do_open_supervision
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db


def test_each_choice_is_named_beside_its_code(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))
    with pytest.raises(InvalidInput) as refused:
        do_open_supervision(ticket, flow.user("supervisor"), kind="scold", reason="太慢")
    assert "reminder（催办）" in refused.value.message and "elevation（提级办理）" in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        do_suspend_assignment(ticket, flow.user("housing"), reason="tired")
    other = SuspensionReason.OTHER
    assert f"{other.value}（{other.label}）" in refused.value.message
    replied = flow.to("replied")
    with pytest.raises(InvalidInput) as refused:
        do_record_callback(replied, flow.user("operator"), resolution="maybe", satisfaction="satisfied")
    assert "resolved（已解决）" in refused.value.message
