from typing import Any

import pytest

from hotline.accounts.models import ApiToken
from tests.api.conftest import ApiClient


@pytest.fixture
def api_as():
    """api_as(user) -> an API client holding a fresh token of that user."""

    def make(user: Any) -> ApiClient:
        _token, raw = ApiToken.issue(user, name="test")
        return ApiClient(user, raw)

    return make


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


INBOX = "hotline.notifications.backends.InboxBackend"
EMAIL = "hotline.notifications.backends.EmailBackend"
WEBHOOK = "hotline.notifications.backends.WebhookBackend"
NULL = "hotline.notifications.backends.NullBackend"


@pytest.fixture
def backends(settings):
    """backends(*paths): use these notification backends."""

    def use(*paths: str) -> None:
        settings.HOTLINE_NOTIFICATION_BACKENDS = list(paths)

    return use


@pytest.fixture
def anonymous_client() -> ApiClient:
    return ApiClient(None)
