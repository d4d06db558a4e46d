"""`hotline token create|revoke|list`."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hotline.accounts.models import ApiToken, hash_token
from hotline.core.enums import Role
from tests.factories import UserFactory


def token(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_create_prints_only_the_token_on_stdout_and_stores_its_hash():
    user = UserFactory(username="intake-bot", role=Role.OPERATOR)
    out, err = token("create", "intake-bot", "--name", "微信渠道")
    raw = out.strip()
    assert raw.startswith("hl_") and "\n" not in raw
    stored = ApiToken.objects.get()
    assert stored.user == user and stored.name == "微信渠道" and not stored.revoked
    assert stored.key_hash == hash_token(raw) and raw not in stored.key_hash
    assert stored.prefix in err and "intake-bot" in err


@pytest.mark.django_db
def test_create_for_an_unknown_or_inactive_user_names_the_user():
    with pytest.raises(CommandError, match="'ghost'"):
        token("create", "ghost")
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match=r"'gone'.*停用"):
        token("create", "gone")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoke_by_prefix_or_whole_token():
    UserFactory(username="alice")
    first = token("create", "alice")[0].strip()
    second = token("create", "alice")[0].strip()

    out, _err = token("revoke", first[3:11])
    assert "已吊销" in out
    assert ApiToken.objects.get(key_hash=hash_token(first)).revoked
    assert not ApiToken.objects.get(key_hash=hash_token(second)).revoked

    token("revoke", second)
    assert ApiToken.objects.get(key_hash=hash_token(second)).revoked
    out, _err = token("revoke", second)
    assert "早已吊销" in out


@pytest.mark.django_db
def test_a_prefix_never_starts_with_a_dash_so_revoke_can_take_it(monkeypatch):
    # token_urlsafe may start with "-", which the command line reads as an option: `token revoke
    # -AbC…` failed (about one token in 64, and this test with it, before the fix).
    drawn = iter(["-" + "A" * 42, "-" + "B" * 42, "C" * 43])
    monkeypatch.setattr("hotline.accounts.models.secrets.token_urlsafe", lambda _n: next(drawn))
    UserFactory(username="alice")
    raw = token("create", "alice")[0].strip()
    stored = ApiToken.objects.get()
    assert raw == "hl_" + "C" * 43 and stored.prefix == "C" * 8

    out, _err = token("revoke", stored.prefix)
    assert "已吊销" in out and ApiToken.objects.get().revoked


@pytest.mark.django_db
def test_revoke_an_unknown_or_ambiguous_prefix():
    with pytest.raises(CommandError, match="没有前缀为 'nothing1' 的令牌"):
        token("revoke", "nothing1")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    for user in (alice, bob):
        ApiToken.objects.create(user=user, prefix="SAMEPREF", key_hash=f"{user.username:0>64}")
    with pytest.raises(CommandError, match="多个令牌（alice、bob）"):
        token("revoke", "SAMEPREF")
    assert not ApiToken.objects.filter(revoked=True).exists()


@pytest.mark.django_db
def test_list_shows_prefixes_not_secrets():
    UserFactory(username="alice")
    UserFactory(username="bob")
    raw = token("create", "alice", "--name", "ci")[0].strip()
    token("create", "bob")
    out, _err = token("list", "alice")
    assert raw[3:11] in out and "ci" in out and "bob" not in out and raw not in out
    assert "bob" in token("list")[0]
    with pytest.raises(CommandError, match="'carol'"):
        token("list", "carol")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "refusal"), [("微信\x00渠道", "NUL"), ("\x1b[31m微信渠道", "U+001B")])
def test_create_refuses_a_name_with_control_characters(name, refusal):
    # `token list` prints the name back to a terminal; PostgreSQL cannot store a NUL.
    UserFactory(username="intake-bot", role=Role.OPERATOR)
    with pytest.raises(CommandError, match=f"^--name 不能包含.*{re.escape(refusal)}"):
        token("create", "intake-bot", "--name", name)
    assert not ApiToken.objects.exists()
