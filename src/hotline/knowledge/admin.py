"""The reply templates (答复模板) are configuration: the admin writes them, checked as the staff
pages check them (`knowledge.templates.placeholders_refusal`). Articles are written and
reviewed on the staff pages (/knowledge/), through `knowledge.actions`, which keep their versions,
index and log; the admin only lists them, their uses, the asks of their question and their log."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Field
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from hotline.knowledge.models import Article, ArticleAsk, ArticleEvent, ArticleUse, ReplyTemplate
from hotline.knowledge.templates import PLACEHOLDER_LIST, placeholders_refusal


def placeholders_help() -> str:
    """The placeholders a template may hold and what each is filled with, one a line, from the list
    that defines them (as the staff pages' form lists them)."""
    return format_html(
        "{}<br>{}",
        _("可用占位符"),
        format_html_join(mark_safe("<br>"), "{} {}", ((p.tag, _(p.meaning)) for p in PLACEHOLDER_LIST)),
    )


class ReplyTemplateForm(forms.ModelForm):
    """Refuses what the staff pages refuse: braces that name no placeholder (the same check)."""

    class Meta:
        model = ReplyTemplate
        fields = ["name", "category", "department", "text", "is_active"]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if refused := placeholders_refusal(text):
            raise forms.ValidationError(refused)
        return text


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    form = ReplyTemplateForm
    list_display = ["name", "category", "department", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "text"]
    autocomplete_fields = ["category", "department"]

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text" and field is not None:
            field.help_text = placeholders_help()
        return field


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = ["title", "status", "category", "owner", "version", "public", "updated_at"]
    list_filter = ["status", "public"]
    search_fields = ["title"]
    exclude = ["title_tokens", "question_tokens", "body_tokens"]


@admin.register(ArticleUse)
class ArticleUseAdmin(ReadOnly):
    list_display = ["article", "version", "ticket", "used_by", "used_at"]


@admin.register(ArticleEvent)
class ArticleEventAdmin(ReadOnly):
    list_display = ["article", "action", "version", "from_status", "to_status", "actor", "at", "ticket"]
    list_filter = ["action"]


@admin.register(ArticleAsk)
class ArticleAskAdmin(ReadOnly):
    list_display = ["article", "ticket", "similarity", "at"]
