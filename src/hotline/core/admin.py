"""Admin mixins for records that only the domain's actions write (tickets, sweeps, routing, deadlines)."""

from typing import Any


class NoEditAdminMixin:
    """Shown, never added or changed by hand (deleting stays allowed, e.g. to clear old records)."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyAdminMixin(NoEditAdminMixin):
    """Shown only: not added, changed or deleted by hand, not even by the superuser (without the
    delete permission the admin also offers no bulk delete). For the audit trail and the records
    the actions keep."""

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
