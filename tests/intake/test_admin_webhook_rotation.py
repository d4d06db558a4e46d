"""A channel's signing secret replaced from the admin is in the channel's history: who replaced it
and when (the action changed the secret and left no trace), never the secret itself."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client

from hotline.core.enums import Channel
from hotline.intake.models import WebhookChannel
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_replacing_a_secret_is_logged_with_who_did_it() -> None:
    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    channel = WebhookChannel.objects.create(channel=Channel.APP, name="市民 App", secret="s" * 40)

    page = client.post(
        "/admin/intake/webhookchannel/",
        {"action": "rotate_secret", "_selected_action": [channel.pk]},
        follow=True,
    )

    channel.refresh_from_db()
    assert channel.secret != "s" * 40 and channel.previous_secret == "s" * 40
    entry = LogEntry.objects.get(object_id=str(channel.pk))
    assert (entry.user, entry.action_flag) == (root, CHANGE)
    assert "更换签名密钥" in entry.get_change_message()
    assert channel.secret not in entry.get_change_message()
    history = client.get(f"/admin/intake/webhookchannel/{channel.pk}/history/").content.decode()
    assert "更换签名密钥" in history and page.status_code == 200
