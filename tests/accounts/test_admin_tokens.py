"""API tokens in the admin: revoked there by ticking the box, for good. A revoked token (leaked, or of
someone who left) cannot be brought back by unticking it: a new one is issued instead."""

import pytest
from django.test import Client

from hotline.accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_revoked_in_the_admin_stays_revoked() -> None:
    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    token, _raw = ApiToken.issue(UserFactory(username="intake-bot"), "微信渠道")
    url = f"/admin/accounts/apitoken/{token.pk}/change/"

    assert client.post(url, {"name": "微信渠道", "revoked": "on"}).status_code == 302
    token.refresh_from_db()
    assert token.revoked

    client.post(url, {"name": "微信渠道（旧）"})
    token.refresh_from_db()
    assert token.revoked and token.name == "微信渠道（旧）"
    assert 'name="revoked"' not in client.get(url).content.decode()
