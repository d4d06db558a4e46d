"""A client system's Open311 key is revoked from the admin too (a leaked key cannot wait for a shell):
the key stops working at once, the revocation is in the key's history with who did it, and a key
revoked already keeps its first revocation time."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from hotline.open311 import keys
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_revokes_a_key() -> None:
    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    key, raw = keys.issue("市民 App")
    other, other_raw = keys.issue("合作平台")
    assert keys.active(raw) == key

    for _time in range(2):
        client.post("/admin/open311/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]})

    key.refresh_from_db()
    assert key.revoked_at is not None and keys.active(raw) is None
    assert keys.active(other_raw) == other
    entry = LogEntry.objects.get(object_id=str(key.pk))
    assert entry.user == root and "吊销" in entry.get_change_message()
