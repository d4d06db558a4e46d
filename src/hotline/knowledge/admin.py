"""The reply templates (答复模板) are configuration: the admin writes them. Articles are written and
reviewed on the staff pages (/knowledge/), through `knowledge.actions`, which keep their versions,
index and log; the admin only lists them, their uses, the asks of their question and their log."""

from django.contrib import admin

from hotline.knowledge.models import Article, ArticleAsk, ArticleEvent, ArticleUse, ReplyTemplate


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "department", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "text"]
    autocomplete_fields = ["category", "department"]


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
