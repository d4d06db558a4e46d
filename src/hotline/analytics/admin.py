from django.contrib import admin
from django.http import HttpRequest

from hotline.analytics.models import ScoreWeights


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(admin.ModelAdmin):
    list_display = ("on_time", "handled", "replied", "satisfied", "min_received")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: the admin changes it, never adds a second.
        return not ScoreWeights.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: ScoreWeights | None = None) -> bool:
        return False
