"""The public forms that take an appeal with a photo, sent once: the citizens' portal and the grid
workers' patrol report.

Each form carries a one-time token (a hidden field the page fills with `uuid4().hex`), which becomes
the appeal's external id: a form sent twice (a double tap, a reload after the answer was lost) is
one appeal. Its photo is checked by its content, not by its name or the type the browser claims
(`intake.attachments`), and by size.

A form sent back for a wrong field keeps a photo that passed its checks (`keep_photo`,
`web.pending_photos`): the page shows it as chosen (its name, and a box to remove it) and carries
its token in a hidden field (`pending_photo`), so that the corrected form, sent without choosing
the photo again, is taken with it as if it had been sent with it. A photo chosen anew replaces it.
"""

from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.http import QueryDict
from django.utils.translation import gettext as _

from hotline.intake import attachments
from hotline.web import pending_photos
from hotline.web.forms import TOKEN, PlainTextForm, new_token


class OnceWithPhotoForm(PlainTextForm):
    """A form sent once (`token`), with an optional photo (`photo`, JPEG or PNG by content), kept
    in the `session` while the form is sent back (`pending_photo`, `keep_photo`)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=32)
    # Not limited in length: a bad token is forgotten (clean_pending_photo), never an error no one sees.
    pending_photo = forms.CharField(widget=forms.HiddenInput, required=False)

    # The photo's type as its content says (clean_photo).
    photo_type = ""
    # The photo kept from the form's last sending, shown as chosen (keep_photo).
    kept_photo: pending_photos.Kept | None = None

    def __init__(self, *args: Any, session: SessionBase | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        # The photo came from the pending area (clean), not with this sending.
        self.photo_from_pending = False

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

    def clean_pending_photo(self) -> str:
        token: str = self.cleaned_data.get("pending_photo") or ""
        return token if TOKEN.fullmatch(token) else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # No photo sent with this sending (nor a refused one): the one kept from the last, unless
        # the sender removed it.
        token = data.get("pending_photo") or ""
        if data.get("photo") or "photo" in self.errors or not token or self.removing_photo:
            return data
        found = pending_photos.take(self.session, token) if self.session is not None else None
        if found is None:
            self.add_error("photo", _("之前选择的照片已失效（超过一小时未提交），请重新选择照片"))
            return data
        self.kept_photo, data["photo"] = found
        self.photo_type, self.photo_from_pending = self.kept_photo.content_type, True
        return data

    @property
    def removing_photo(self) -> bool:
        return bool(self.data.get("remove_photo"))

    def _resend(self, **values: str) -> None:
        resent = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        for key, value in values.items():
            resent[key] = value  # in place of the value sent (a QueryDict's update would add one)
        self.data = resent

    def renew_lost_token(self) -> None:
        """A lost or forged token: the form comes back with a fresh one, the rest as typed."""
        if "token" in self.errors:
            self._resend(token=new_token())

    def keep_photo(self) -> None:
        """The form goes back to be corrected: keep the photo sent with it when it passed its checks
        (replacing one kept before), or the one kept before; forget a removed or lost one."""
        if self.session is None:
            return
        previous = self.data.get("pending_photo") or ""
        photo = getattr(self, "cleaned_data", {}).get("photo")
        if photo and not self.photo_from_pending and "photo" not in self.errors:
            self.kept_photo = pending_photos.keep(self.session, photo, self.photo_type)
            if previous:
                pending_photos.discard(self.session, previous)
        elif previous and self.removing_photo:
            pending_photos.discard(self.session, previous)
            self.kept_photo = None
        elif previous:
            self.kept_photo = pending_photos.find(self.session, previous)
        self._resend(pending_photo=self.kept_photo.token if self.kept_photo else "", remove_photo="")

    def photo_taken(self) -> None:
        """The form was taken: the photo kept for it (taken with it, removed or replaced) is no
        longer needed."""
        token = self.data.get("pending_photo") or ""
        if self.session is not None and token:
            pending_photos.discard(self.session, token)
