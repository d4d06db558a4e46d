"""The `hotline` command itself: a database that is not set up gets a sentence, not a traceback."""

import os
import subprocess
import sys

import pytest


def hotline(tmp_path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "HOTLINE_HOME": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", "from hotline.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_database_that_was_never_migrated_is_named_with_the_fix(tmp_path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    done = hotline(tmp_path, empty, "calendar", "is-workday", "2025-09-28")
    assert done.returncode == 1
    assert "the database is not set up" in done.stderr
    assert "hotline migrate" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [("calendar", "is-workday", "2025-09-28"), ("migrate",)])
def test_a_database_that_does_not_answer_is_named(tmp_path, args) -> None:
    done = hotline(tmp_path, "postgres://postgres@127.0.0.1:9/hotline", *args)
    assert done.returncode == 1
    assert "cannot reach the database" in done.stderr
    assert "Traceback" not in done.stderr
