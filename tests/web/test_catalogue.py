"""The English catalogue covers every string the code marks for translation."""

import ast
import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import hotline

CATALOGUE = Path(hotline.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[dict[str, str]]:
    """msgid/msgstr pairs (and flags) of a .po file; continuation lines joined."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, ""
        elif line.startswith("#,"):
            current["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


def test_every_message_has_an_english_translation() -> None:
    entries = [e for e in _entries(CATALOGUE.read_text(encoding="utf-8")) if e.get("msgid")]
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not e.get("msgstr", e.get("msgstr[0]", ""))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert untranslated == []
    assert fuzzy == []


def test_every_marked_string_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages over a copy of the code finds no message the committed catalogue lacks."""
    copy = tmp_path / "hotline"
    shutil.copytree(CATALOGUE.parents[3], copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    hotline_cli = Path(sys.executable).with_name("hotline")
    subprocess.run(
        [hotline_cli, "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = {
        e["msgid"]
        for e in _entries((copy / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
        if e.get("msgid")
    }
    committed = {e["msgid"] for e in _entries(CATALOGUE.read_text(encoding="utf-8")) if e.get("msgid")}
    assert sorted(extracted - committed) == []


def test_the_compiled_catalogue_is_not_older_than_its_source() -> None:
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists()
    # Both are committed together; a .po edited without compilemessages leaves the UI untranslated.
    parsed = _entries(CATALOGUE.read_text(encoding="utf-8"))
    assert parsed
    with compiled.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    entries = [e for e in parsed if e.get("msgid") and "msgstr" in e]

    def compiled_text(entry: dict[str, str]) -> str:
        # A button's words (context "button") and the timeline's share their Chinese msgid.
        if "msgctxt" in entry:
            return translations.pgettext(entry["msgctxt"], entry["msgid"])
        return translations.gettext(entry["msgid"])

    stale = [e["msgid"] for e in entries if compiled_text(e) != e["msgstr"]]
    assert stale == []
