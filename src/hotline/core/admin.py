"""Admin mixins for records that only the domain's actions write (tickets, sweeps, routing, deadlines),
for the configuration that those records point to, and the form of a node of a tree the admin edits
(departments, categories)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _


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


class ProtectedSaidAdminMixin:
    """For configuration that the records point to (a ticket's department, its category): deleting
    it is refused while they do, and the page says so. Django also counts a protected record among
    those the account may not delete and shows that first ("your account lacks the permission to
    delete: 工单"), as if a stronger account could take the tickets away with it."""

    def get_deleted_objects(self, objs: Any, request: Any) -> tuple[Any, Any, set[str], list[Any]]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        # With anything protected nothing is deleted whatever the permissions (ModelAdmin.delete_view).
        return deleted, counts, set() if protected else perms_needed, protected


class TreeNodeForm(forms.ModelForm):
    """A node of a tree with a `parent` (a department, a category): its parent may be neither the node
    itself nor one below it. Such a loop takes the branch out of the tree, and a node's path (a
    category's name is the path of its parents) would never end: every page naming it hung."""

    def clean_parent(self) -> Any:
        parent = self.cleaned_data.get("parent")
        if parent is None or self.instance.pk is None:
            return parent  # a new node has nothing below it
        if parent.pk == self.instance.pk:
            raise forms.ValidationError(_("不能以自身作为上级"))
        node, seen = parent.parent, {parent.pk}
        # `seen`: a loop already in the data must not hang the check either.
        while node is not None and node.pk not in seen:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(
                    _("“%(parent)s”在本项之下，不能作为它的上级") % {"parent": parent.name}
                )
            seen.add(node.pk)
            node = node.parent
        return parent
