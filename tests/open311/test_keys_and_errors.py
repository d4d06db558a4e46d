"""`hotline open311 key create|revoke|list`, and the errors that come before any endpoint (an
unknown path, a method, a URL too long), in the specification's format."""

import json
import re
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hotline.accounts.models import hash_token
from hotline.open311.models import ApiKey
from tests.open311.conftest import form

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("open311", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_key_is_printed_once_stored_as_its_hash_listed_and_revoked(client, services) -> None:
    out, err = run("key", "create", "市民云 App")
    raw = out.strip()
    key = ApiKey.objects.get()
    assert raw.startswith("o311_") and key.key_hash == hash_token(raw) and raw not in str(vars(key))
    assert key.prefix in err and "只显示这一次" in err
    assert client.post("/open311/v2/requests.json", form(raw)).status_code == 200

    listed, _err = run("key", "list")
    assert key.prefix in listed and "市民云 App" in listed and "有效" in listed

    out, _err = run("key", "revoke", key.prefix)
    assert "已吊销" in out
    assert client.post("/open311/v2/requests.json", form(raw)).status_code == 403
    assert "早已吊销" in run("key", "revoke", raw)[0]
    assert "已吊销" in run("key", "list")[0]
    with pytest.raises(CommandError, match="没有前缀"):
        run("key", "revoke", "nothing1")
    with pytest.raises(CommandError, match="不能为空"):
        run("key", "create", "  ")


def _errors(response, status: int, fmt: str) -> list[str]:
    assert response.status_code == status, response.content
    if fmt == "xml":
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and all(e.findtext("code") == str(status) for e in root)
        return [e.findtext("description") or "" for e in root]
    body = json.loads(response.content)
    assert all(e["code"] == status and list(e) == ["code", "description"] for e in body)
    return [e["description"] for e in body]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_what_names_nothing_is_a_404_in_the_format_asked(client, fmt) -> None:
    [description] = _errors(client.get(f"/open311/v2/nothing.{fmt}"), 404, fmt)
    assert "/open311/v2/nothing" in description
    _errors(client.get(f"/open311/v2/services/no/such.{fmt}"), 404, fmt)
    _errors(client.get("/open311/v2/services.html"), 404, "json")  # a format it does not serve
    _errors(client.get("/open311/v2/services"), 404, "json")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_method_and_a_url_too_long_in_the_format_asked(client, fmt) -> None:
    response = client.delete(f"/open311/v2/services.{fmt}")
    [description] = _errors(response, 405, fmt)
    assert "DELETE" in description and "GET" in response["Allow"]
    [description] = _errors(client.get(f"/open311/v2/requests.{fmt}?service_code=" + "0" * 9000), 414, fmt)
    assert "8000" in description


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "refusal"), [("市民云\x00App", "NUL"), ("\x1b[31m市民云 App", "U+001B")])
def test_a_key_for_a_name_with_control_characters_is_refused(name, refusal) -> None:
    # `key list` prints the name back to a terminal; PostgreSQL cannot store a NUL.
    with pytest.raises(CommandError, match=f"^接入系统名称不能包含.*{re.escape(refusal)}"):
        run("key", "create", name)
    assert not ApiKey.objects.exists()
