"""What every form of the staff pages shares: text without control characters, the language's own
colon after a label, and the one-time token of a form that makes something (`SentOnce`)."""

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.api import control_character_refusal
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.web.models import SentForm

# A one-time token, as a form's page gives it (`new_token`).
TOKEN = re.compile(r"[0-9a-f]{32}")

# What the second sending of a form that made something is told, on the page of what the first made.
SENT_BEFORE = gettext_lazy("此表单已提交过，未重复保存")


# How long a token is kept (`made_once`): as long as a signed-in session lasts (SESSION_COOKIE_AGE,
# two weeks by default). A page is sent again (back, refresh) within the sign-in it was loaded in:
# once the session is over it is sent to the sign-in page, and after signing in again the CSRF token
# it carries is stale (Django rotates it at each sign-in). Left out: a page kept open longer in a
# session saved since: sent again, it makes a second one, as a page without a token would.
KEEP_SENT = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def new_token() -> str:
    return uuid.uuid4().hex


def refuse_control_characters(value: str) -> None:
    """A text field's validator: the control characters the API refuses (`core.api`), NUL first."""
    if (refusal := control_character_refusal(value)) is not None:
        raise forms.ValidationError(refusal, code="control_character")


class PlainTextForm(forms.Form):
    """A form whose text fields refuse control characters, as every other entrance does (the API,
    Open311). Django's fields refuse only NUL (in words of their own, which this replaces); the
    others, stored, broke what the text goes on to: 百问百答's RSS feed (XML 1.0 cannot carry
    them) answered every reader with a server error. Hidden fields are left as they are: an error
    on one would be an error nobody sees."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not field.widget.is_hidden:
                kept = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
                field.validators = [*kept, refuse_control_characters]


class Form(PlainTextForm):
    """A form whose labels end with the language's own colon: full-width in Chinese (渠道：), where
    Django's catalogue gives the ASCII one (渠道:)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Translators: what follows a form field's label, before the field.
        kwargs.setdefault("label_suffix", _("："))
        super().__init__(*args, **kwargs)


def posted_text(request: HttpRequest, field: str, max_length: int) -> str:
    """A text field of a form posted without a Django form, stripped; control characters (NUL,
    which PostgreSQL cannot store, and the others the API refuses) and overlong text are refused
    here, as the API's schemas do."""
    value = request.POST.get(field, "").strip()
    if (refusal := control_character_refusal(value)) is not None:
        raise InvalidInput(f"{field}: {refusal}")
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s: 最多 %(max)s 字") % {"field": field, "max": max_length})
    return value


class SentOnce(forms.Form):
    """A form that makes something, taken once: its page gives it a one-time token (`new_token`, in
    a hidden field), which the same form sent twice (a double click, the browser sending it again
    after its answer was lost) carries again. The console's token becomes the appeal's external id,
    by which intake knows any channel's contact again; a form that makes anything else records its
    token with what it made (`made_once`)."""

    # Not required, and a bad one is no token (clean_token): a form without one is taken as before,
    # never refused for a field nobody sees.
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_token(self) -> str:
        token: str = self.cleaned_data.get("token") or ""
        return token if TOKEN.fullmatch(token) else ""


def made_once[Made: models.Model](
    user: User, token: str, model: type[Made], make: Callable[[], Made]
) -> tuple[Made, bool]:
    """What `make` makes (a `model`), and True; or, when a form with this `token` made one already,
    that one and False, made nothing. The token is claimed first, in the transaction that makes the
    thing: a sending at the same moment waits for it and then finds what it made; a refused one
    (`make` raised) leaves the token free for the form sent again. No token: made, as before.
    The tokens older than `KEEP_SENT` are forgotten here, as each new one is written: the table
    holds no more than that time's forms, whether or not a worker runs."""
    if not token:
        return make(), True
    SentForm.objects.filter(sent_at__lt=clock.now() - KEEP_SENT).delete()
    made_type = ContentType.objects.get_for_model(model)
    with transaction.atomic():
        try:
            with transaction.atomic():
                sent = SentForm.objects.create(
                    token=token, user=user, made_type=made_type, sent_at=clock.now()
                )
        except IntegrityError:
            return _made_before(user, token, model, made_type), False
        made = make()
        sent.made_id = made.pk
        sent.save(update_fields=["made_id"])
    return made, True


def _made_before[Made: models.Model](
    user: User, token: str, model: type[Made], made_type: ContentType
) -> Made:
    sent = SentForm.objects.filter(token=token).first()
    made = None
    # Another person's token, or another form's (a token posted by hand elsewhere): not theirs to find.
    if sent is not None and sent.user_id == user.pk and sent.made_type_id == made_type.pk:
        made = model._default_manager.filter(pk=sent.made_id).first()
    if made is None:
        raise ActionNotAllowed(_("表单已失效，请刷新页面后重新提交"))
    return made
