"""The category tree, for clients that classify or filter by category."""

from django.http import HttpRequest
from ninja import Router, Schema

from hotline.taxonomy.models import Category

router = Router(tags=["taxonomy"])


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None
    path: str


@router.get("", response=list[CategoryOut], summary="Active categories (分类) with their full paths")
def list_categories(request: HttpRequest) -> list[CategoryOut]:
    # One query for the whole tree; paths are built here rather than one parent lookup per node.
    nodes = {c.pk: c for c in Category.objects.order_by("code")}

    def path_of(node: Category | None) -> str:
        names: list[str] = []
        seen: set[int] = set()
        while node is not None and node.pk not in seen:  # `seen`: bad data with a cycle must still end
            seen.add(node.pk)
            names.append(node.name)
            node = nodes.get(node.parent_id) if node.parent_id is not None else None
        return " / ".join(reversed(names))

    return [
        CategoryOut(id=c.pk, code=c.code, name=c.name, level=c.level, parent_id=c.parent_id, path=path_of(c))
        for c in nodes.values()
        if c.is_active
    ]
