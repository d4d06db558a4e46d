"""The production profile (HOTLINE_PROFILE=production): `hotline check --deploy` finds nothing, and
it refuses to start without a secret key of its own (issue 20), while the demo needs no setting."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from hotline import settings as hotline_settings

HOTLINE = Path(sys.executable).parent / "hotline"


def run_hotline(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Nothing of the test run's own environment: its HOTLINE_* and DATABASE_URL, and the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly reports.
    leave_out = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_") and k not in leave_out}
    clean.update(HOTLINE_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="hotline.settings", **env)
    return subprocess.run(
        [str(HOTLINE), *args], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_in_the_production_profile(tmp_path):
    done = run_hotline(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HOTLINE_PROFILE="production",
        HOTLINE_SECRET_KEY=secrets.token_urlsafe(50),
        HOTLINE_ALLOWED_HOSTS="hotline.example.org",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_demo_profile_still_warns_under_check_deploy(tmp_path):
    # What the production profile adds is what the check asks for: without it, the check says so.
    done = run_hotline(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr + done.stdout


@pytest.mark.parametrize(
    "key",
    ["", hotline_settings.DEMO_SECRET_KEY, "too-short-0123456789", "a" * 60],
    ids=["unset", "demo key", "short", "one character"],
)
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    done = run_hotline(tmp_path, "check", HOTLINE_PROFILE="production", HOTLINE_SECRET_KEY=key)
    assert done.returncode != 0
    assert "HOTLINE_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_runs_without_any_setting(tmp_path):
    done = run_hotline(tmp_path, "check")
    assert done.returncode == 0, done.stderr


def test_an_unknown_profile_is_refused(tmp_path):
    done = run_hotline(tmp_path, "check", HOTLINE_PROFILE="prod")
    assert done.returncode != 0 and "HOTLINE_PROFILE" in done.stderr


def test_production_serves_its_static_files_by_hashed_names_cached_for_good(tmp_path):
    """What `hotline serve` collects in production is named by content: a phone keeps the scripts
    and styles until a release changes them, instead of asking again every minute."""
    production = {
        "HOTLINE_PROFILE": "production",
        "HOTLINE_SECRET_KEY": secrets.token_urlsafe(50),
        "HOTLINE_ALLOWED_HOSTS": "hotline.example.org",
    }
    collected = run_hotline(tmp_path, "collectstatic", "--noinput", "-v0", **production)
    assert collected.returncode == 0, collected.stderr
    fetch = (
        "import re\n"
        "from django.test import Client\n"
        "client = Client(SERVER_NAME='hotline.example.org')\n"
        "page = client.get('/login/', secure=True).content.decode()\n"
        "style = re.search(r'/static/web/base\\.[0-9a-f]{12}\\.css', page).group(0)\n"
        "print(client.get(style, secure=True)['Cache-Control'])\n"
    )
    done = run_hotline(tmp_path, "shell", "--no-imports", "-c", fetch, **production)
    assert done.returncode == 0, done.stderr
    assert "immutable" in done.stdout and "max-age=315360000" in done.stdout
