"""Photos kept while a form goes back to be corrected (the portal's appeal, the grid worker's report).

A browser empties a file input whenever the page is shown again, so a form sent back for a wrong
field would lose the photo chosen with it, and the sender, correcting the field, would send the
appeal without it. A photo that passed its own checks (`web.photo_forms`: JPEG or PNG by content,
within the size) is therefore kept here until the form comes back: in Django's default storage
(where attachments go: HOTLINE_HOME/media by default) under `pending/`, named by a random token
(`secrets`, 128 bits) that the form carries in a hidden field. The token is listed in the sender's
session with the file's name and type: a token another session sends finds nothing, so nobody can
attach somebody else's photo by sending its token.

A kept photo lasts `LIFETIME`; the expired ones are deleted whenever another is kept (no task
needed: a form sent back is when a new one appears), and a photo used or removed is deleted then.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from hotline.core import clock
from hotline.intake import attachments

LIFETIME = timedelta(hours=1)
FOLDER = "pending"
SESSION_KEY = "pending_photos"
NAME_MAX = 100


@dataclass(frozen=True)
class Kept:
    token: str
    name: str  # the file's name as the sender's device gave it, to show it back
    content_type: str


def _entries(session: SessionBase) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = session.get(SESSION_KEY, {})
    return entries


def _expired(at: float) -> bool:
    return clock.now().timestamp() - at > LIFETIME.total_seconds()


def keep(session: SessionBase, upload: UploadedFile, content_type: str) -> Kept:
    """Keep a checked photo for the session; the token that finds it again."""
    delete_expired()
    token = secrets.token_hex(16)
    upload.seek(0)
    path = default_storage.save(f"{FOLDER}/{token}", upload)
    upload.seek(0)
    name = (upload.name or "").rsplit("/", 1)[-1][:NAME_MAX]
    entries = {t: e for t, e in _entries(session).items() if not _expired(e["at"])}
    entries[token] = {"path": path, "name": name, "type": content_type, "at": clock.now().timestamp()}
    session[SESSION_KEY] = entries
    return Kept(token, name, content_type)


def find(session: SessionBase, token: str) -> Kept | None:
    """The photo the session kept under `token`, while it lasts; else None."""
    entry = _entries(session).get(token)
    if entry is None or _expired(entry["at"]) or not default_storage.exists(entry["path"]):
        return None
    return Kept(token, entry["name"], entry["type"])


def take(session: SessionBase, token: str) -> tuple[Kept, UploadedFile] | None:
    """The kept photo with its content, as an upload (what the form's file field gives for a photo
    sent with the form), checked again by content; None when the session has none under `token`
    (or no longer: expired, deleted, or no photo any more)."""
    kept = find(session, token)
    if kept is None:
        return None
    with default_storage.open(_entries(session)[token]["path"], "rb") as stored:
        data = stored.read()
    if attachments.sniff(data) != kept.content_type or len(data) > attachments.max_photo_bytes():
        return None
    return kept, SimpleUploadedFile(kept.name or "photo", data, content_type=kept.content_type)


def discard(session: SessionBase, token: str) -> None:
    """Delete the photo kept under `token` (used or removed) and forget it."""
    entries = _entries(session)
    entry = entries.pop(token, None)
    if entry is None:
        return
    session[SESSION_KEY] = entries
    default_storage.delete(entry["path"])


def delete_expired() -> int:
    """Delete the kept photos older than `LIFETIME`, whoever's; how many."""
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:  # nothing kept yet
        return 0
    deleted = 0
    oldest = clock.now() - LIFETIME
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < oldest:
                default_storage.delete(path)
                deleted += 1
        except (FileNotFoundError, NotImplementedError):  # deleted meanwhile; a storage without times
            continue
    return deleted
