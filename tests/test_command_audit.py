"""A token or an Open311 key issued or revoked on the command line is logged with who ran the command
(the machine's account and host: a command has no signed-in user), what and to whom, never the secret."""

import io
import logging

import pytest
from django.core.management import call_command

from hotline.core.audit import shell_user

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_a_token_issued_and_revoked_is_logged_with_who_ran_the_command(staff, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="hotline.audit"):
        raw = run("token", "create", staff["operator"].username)
        run("token", "revoke", raw)
    said = [r.getMessage() for r in caplog.records if r.name == "hotline.audit"]
    prefix = raw.removeprefix("hl_")[:8]
    assert len(said) == 2, said
    assert f"API token {prefix} issued to {staff['operator'].username}" in said[0]
    assert "revoked" in said[1] and all(shell_user() in line and raw not in line for line in said)


def test_an_open311_key_issued_and_revoked_is_logged_with_who_ran_the_command(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="hotline.audit"):
        raw = run("open311", "key", "create", "区政务App")
        run("open311", "key", "revoke", raw)
    said = [r.getMessage() for r in caplog.records if r.name == "hotline.audit"]
    assert len(said) == 2, said
    assert "issued to the client system '区政务App'" in said[0] and "revoked" in said[1]
    assert all(shell_user() in line and raw not in line for line in said)
