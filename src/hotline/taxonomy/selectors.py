"""Read queries of the category tree."""

from collections.abc import Mapping

from django.db.models import QuerySet

from hotline.taxonomy.models import Category


def active_categories() -> QuerySet[Category]:
    """The categories in use, in tree order (codes are hierarchical: 01, 0101, 010101 ...), each
    with its parents loaded, so that showing their paths costs no query per category (the tree has
    three levels)."""
    return Category.objects.filter(is_active=True).select_related("parent__parent").order_by("code")


def first_levels(parents: Mapping[int, int | None]) -> dict[int, int]:
    """Each category's first-level ancestor (itself at the first level), from the tree as
    category id -> parent id (`Category.objects.values_list("pk", "parent_id")`)."""
    roots: dict[int, int] = {}
    for pk in parents:
        node = pk
        for _depth in range(10):  # the tree has three levels; a cycle must not hang the loop
            parent = parents.get(node)
            if parent is None:
                break
            node = parent
        roots[pk] = node
    return roots


def category_and_below(category_id: int) -> list[int]:
    """The category and every category under it, at any depth, the category first: what a filter
    by a category takes in (a ticket or an answer filed on the third level is under the first).
    One query per level."""
    ids = [category_id]
    seen = {category_id}
    frontier = [category_id]
    while frontier:
        below = Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        frontier = [pk for pk in below if pk not in seen]  # a cycle in bad data must not loop forever
        seen.update(frontier)
        ids.extend(frontier)
    return ids
