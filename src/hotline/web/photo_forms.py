"""The public forms that take an appeal with a photo, sent once: the citizens' portal and the grid
workers' patrol report.

Each form carries a one-time token (a hidden field the page fills with `uuid4().hex`), which becomes
the appeal's external id: a form sent twice (a double tap, a reload after the answer was lost) is
one appeal. Its photo is checked by its content, not by its name or the type the browser claims
(`intake.attachments`), and by size.
"""

import re
import uuid
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from hotline.intake import attachments

TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return uuid.uuid4().hex


class OnceWithPhotoForm(forms.Form):
    """A form sent once (`token`), with an optional photo (`photo`, JPEG or PNG by content)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=32)

    # The photo's type as its content says (clean_photo).
    photo_type = ""

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        if not TOKEN.fullmatch(token):
            raise forms.ValidationError(_("表单已失效，请刷新页面后重新提交"))
        return token

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > attachments.max_photo_bytes():
            raise forms.ValidationError(
                _("照片不能超过 %(mb)s MB") % {"mb": attachments.max_photo_bytes() // (1024 * 1024)}
            )
        content_type = attachments.image_type(photo)
        if content_type is None:
            raise forms.ValidationError(_("照片须为 JPEG 或 PNG 图片"))
        self.photo_type = content_type
        return photo

    def renew_lost_token(self) -> None:
        """A lost or forged token: the form comes back with a fresh one, the rest as typed."""
        if "token" in self.errors:
            resent = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            resent["token"] = new_token()
            self.data = resent
