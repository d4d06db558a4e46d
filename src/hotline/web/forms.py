"""What every form of the staff pages shares."""

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from hotline.core.api import control_character_refusal
from hotline.core.errors import InvalidInput


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
