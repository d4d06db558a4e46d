"""What every form of the staff pages shares."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _


class Form(forms.Form):
    """A form whose labels end with the language's own colon: full-width in Chinese (渠道：), where
    Django's catalogue gives the ASCII one (渠道:)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Translators: what follows a form field's label, before the field.
        kwargs.setdefault("label_suffix", _("："))
        super().__init__(*args, **kwargs)
