from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def join_names(refs: Iterable[Mapping[str, Any]]) -> str:
    """Names of department references (`{"name": ...}`) joined with the language's separator."""
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return _("、").join(str(ref["name"]) for ref in refs)


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    """`mapping[key]`, or None: a dict looked up by a variable key in a template."""
    return mapping.get(key) if mapping else None
