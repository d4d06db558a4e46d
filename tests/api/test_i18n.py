"""The API answers in the language the request asks for (Accept-Language): refusals too."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from hotline.accounts.models import ApiToken
from tests.api.conftest import ApiClient


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """LocaleMiddleware activates the request's language in this thread; later tests start as before."""
    with translation.override(translation.get_language()):
        yield


def _client(user, language: str | None) -> ApiClient:
    _token, raw = ApiToken.issue(user, name="test")
    client = ApiClient(user, raw)
    if language:
        client.headers["Accept-Language"] = language
    return client


def test_an_action_refused_in_english_comes_back_in_english(ticket, staff):
    response = _client(staff["operator"], "en").action(ticket, "close", {})

    assert response.status_code == 409
    assert response.json() == {"detail": f"Ticket {ticket.number} is “New”; “Close” is not possible now"}


def test_without_accept_language_the_refusal_is_in_chinese(ticket, staff):
    response = _client(staff["operator"], None).action(ticket, "close", {})

    assert response.status_code == 409
    assert response.json() == {"detail": f"工单 {ticket.number} 当前状态为“待派单”，不能办结"}


def test_a_role_refused_in_english_comes_back_in_english(ticket, staff, departments):
    response = _client(staff["operator"], "en-GB,en;q=0.9").action(
        ticket, "dispatch", {"lead_department_id": departments["housing"].pk}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "The role “Operator” may not do “Dispatch”"}


def test_a_bad_token_is_refused_in_english(db):
    client = ApiClient(None, "hl_not-a-token")
    client.headers["Accept-Language"] = "en"

    response = client.get("/tickets")

    assert response.status_code == 401
    assert response.json() == {"detail": "The API token is invalid or revoked, or its account is disabled"}
