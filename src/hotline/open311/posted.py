"""What a client system posts to `POST requests`: the form (application/x-www-form-urlencoded, or
multipart/form-data when it sends photos as `media`) read into intake's AppealData, with every
problem found named at once (400), before anything is stored."""

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from hotline.core.api import control_character_refusal
from hotline.core.enums import Channel
from hotline.intake import attachments
from hotline.intake.actions import AppealData
from hotline.open311 import services
from hotline.open311.formats import Open311Error
from hotline.taxonomy.models import Category

DESCRIPTION_MAX = 4000  # the specification's limit
TITLE_CHARS = 30  # a title taken from the description's first line
LIMITS = {"address_string": 300, "address_id": 100, "first_name": 25, "last_name": 25, "phone": 20}
MEDIA_URL_MAX = 500


@dataclass(frozen=True)
class Posted:
    data: AppealData
    media: list[tuple[UploadedFile, str]]  # each file with its type as its content says
    account_id: str | None


def max_media() -> int:
    return int(settings.HOTLINE["OPEN311"]["MAX_MEDIA"])


def max_body_bytes() -> int:
    """The largest body a POST may have: its photos and 1 MB of form around them."""
    return max_media() * attachments.max_photo_bytes() + 1024 * 1024


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "") or "").strip()


def _name(first: str, last: str) -> str:
    # Chinese names are written family name first and without a space; Latin ones given name first.
    if first.isascii() and last.isascii():
        return f"{first} {last}".strip()
    return f"{last}{first}"


def _coordinates(form: Any, problems: list[str]) -> tuple[float | None, float | None]:
    raw = {"lat": _text(form, "lat"), "long": _text(form, "long")}
    if not any(raw.values()):
        return None, None
    if not all(raw.values()):
        problems.append(_("lat 和 long 须同时提供"))
        return None, None
    values: dict[str, float] = {}
    for name, bound in (("lat", 90), ("long", 180)):
        try:
            value = float(raw[name])
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not -bound <= value <= bound:
            problems.append(
                _("%(name)s: 应为 -%(bound)s 到 %(bound)s 之间的数") % {"name": name, "bound": bound}
            )
        else:
            values[name] = value
    if len(values) < 2:
        return None, None
    return values["lat"], values["long"]


def _media(files: Any, problems: list[str]) -> list[tuple[UploadedFile, str]]:
    uploads = [*files.getlist("media"), *files.getlist("media[]")]
    if len(uploads) > max_media():
        problems.append(_("media: 最多 %(n)s 个文件") % {"n": max_media()})
        return []
    checked = []
    for upload in uploads:
        if (upload.size or 0) > attachments.max_photo_bytes():
            raise Open311Error(
                413,
                _("media: 每个文件不能超过 %(mb)s MB")
                % {"mb": attachments.max_photo_bytes() // (1024 * 1024)},
            )
        content_type = attachments.image_type(upload)
        if content_type is None:
            problems.append(_("media: 须为 JPEG 或 PNG 图片（按文件内容判断）"))
        else:
            checked.append((upload, content_type))
    return checked


def _control_characters(form: Any, problems: list[str]) -> None:
    """Every field, used or not, refused as the JSON API refuses a text field (core.api): NUL
    cannot be stored, nor is any other control character text."""
    for name in form:
        for value in form.getlist(name):
            if (refusal := control_character_refusal(str(value))) is not None:
                problems.append(f"{name}: {refusal}")
                break


def read(form: Any, files: Any, category: Category | None) -> Posted:
    """The appeal a posted form describes, or 400 naming every problem. `category`: the service's,
    already found (or None when service_code is missing, which is one of the problems)."""
    problems: list[str] = []
    _control_characters(form, problems)
    if category is None:
        problems.append(_("service_code: 必填（见 GET services）"))
    for name, limit in LIMITS.items():
        if len(_text(form, name)) > limit:
            problems.append(_("%(name)s: 超过 %(max)s 个字符") % {"name": name, "max": limit})
    latitude, longitude = _coordinates(form, problems)
    address = _text(form, "address_string")[: LIMITS["address_string"]]
    address_id = _text(form, "address_id")[: LIMITS["address_id"]]
    if latitude is None and not address and not address_id:
        problems.append(_("位置：须提供 lat 与 long、address_string 或 address_id 之一"))
    description = _text(form, "description")
    if not description:
        problems.append(_("description: 必填"))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(_("description: 超过 %(max)s 个字符") % {"max": DESCRIPTION_MAX})
    media_url = _text(form, "media_url")
    if media_url and (len(media_url) > MEDIA_URL_MAX or not media_url.startswith(("http://", "https://"))):
        problems.append(_("media_url: 应为 http(s) 地址，%(max)s 个字符以内") % {"max": MEDIA_URL_MAX})
    try:
        fields = services.checked_attributes(services.posted_attributes(form))
    except Open311Error as error:
        problems.extend(error.descriptions)
        fields = {}
    media = _media(files, problems)
    if problems:
        raise Open311Error(400, *problems)
    assert category is not None
    content = description
    if media_url:
        # Kept as a link for staff to open; nothing is fetched from the internet.
        content += "\n\n" + _("图片链接：%(url)s") % {"url": media_url}
    title = fields.pop("title", "") or description.splitlines()[0][:TITLE_CHARS]
    data = AppealData(
        channel=Channel.OPEN311,
        title=title,
        content=content,
        citizen_name=_name(_text(form, "first_name"), _text(form, "last_name")),
        citizen_phone=_text(form, "phone"),
        address=address or address_id,
        latitude=latitude,
        longitude=longitude,
        category_id=category.pk,
        **fields,
    )
    return Posted(data=data, media=media, account_id=_text(form, "account_id") or None)
