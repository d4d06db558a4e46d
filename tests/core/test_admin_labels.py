"""The admin speaks Chinese: every model registered in it, and every field its pages show (the list's
columns and filters, the form's fields, its inlines'), is named in Chinese. A field without a
Chinese verbose_name showed its English attribute name (`Revoked`, `Assignment`, `Actor`)."""

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, label_for_field
from django.db import models
from django.test import RequestFactory
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def form_fields(model_admin: Any, request: Any, obj: Any) -> list[tuple[str, Any]]:
    """The fields of a model's add (obj None) or change page, with the form they come from."""
    if isinstance(model_admin, admin.options.InlineModelAdmin):
        form = model_admin.get_formset(request, obj).form()
    else:
        form = model_admin.get_form(request, obj)()
    names: list[str] = []
    for _title, options in model_admin.get_fieldsets(request, obj):
        for line in options["fields"]:  # a line of the form may hold several fields
            names.extend(line if isinstance(line, (list, tuple)) else [line])
    return [(name, form) for name in names]


def field_label(model_admin: Any, name: str, form: Any) -> str:
    """A field's label on the form: the form field's own (as the admin shows an editable field), or
    for one shown read-only the admin's (the model field's verbose name, a method's description)."""
    if name in form.fields:
        return str(form[name].label)
    return str(label_for_field(name, model_admin.model, model_admin, form=form))


def filter_label(model: type[models.Model], entry: Any) -> str | None:
    """A filter's label as the list shows it: the verbose name of the field at the end of its path."""
    name = entry[0] if isinstance(entry, (list, tuple)) else entry
    if not isinstance(name, str):
        return None  # a filter class names itself (its `title`)
    return str(get_fields_from_path(model, name)[-1].verbose_name)


def unnamed(model_admin: Any, request: Any) -> list[str]:
    """What the admin pages of one registered model show in English: model, column, filter, field."""
    model = model_admin.model
    labels: list[tuple[str, str]] = [
        ("verbose_name", str(model._meta.verbose_name)),
        ("verbose_name_plural", str(model._meta.verbose_name_plural)),
    ]
    for name in model_admin.get_list_display(request):
        labels.append((f"list_display {name}", str(label_for_field(name, model, model_admin))))
    for entry in model_admin.get_list_filter(request):
        if (label := filter_label(model, entry)) is not None:
            labels.append((f"list_filter {entry}", label))
    for obj in (None, model()):
        for name, form in form_fields(model_admin, request, obj):
            labels.append((f"fields {name}", field_label(model_admin, name, form)))
        for inline in model_admin.get_inline_instances(request, obj):
            labels.append((f"inline {inline.model.__name__}", str(inline.model._meta.verbose_name_plural)))
            for name, form in form_fields(inline, request, obj):
                labels.append((f"inline {inline.model.__name__} {name}", field_label(inline, name, form)))
    return [f"{where}: {label!r}" for where, label in dict.fromkeys(labels) if not CJK.search(label)]


def registered() -> list[Any]:
    """The models of Hotline and of Django in the admin. Not the task queue's results: the package
    (django-tasks-db) names their fields in English, and a field's label is part of its migrations,
    which stay the package's (`hotline.worker.apps.TaskQueueConfig` names the model only)."""
    return sorted(
        (m for m in admin.site._registry.values() if m.model._meta.app_label != "django_tasks_database"),
        key=lambda m: m.model._meta.label,
    )


@pytest.mark.parametrize("model_admin", registered(), ids=lambda m: m.model._meta.label)
def test_every_label_of_the_admin_is_chinese(model_admin: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    with translation.override("zh-hans"):
        assert unnamed(model_admin, request) == []
