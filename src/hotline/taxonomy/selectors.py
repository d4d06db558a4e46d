"""Read queries of the category tree."""

from django.db.models import QuerySet

from hotline.taxonomy.models import Category


def active_categories() -> QuerySet[Category]:
    """The categories in use, in tree order (codes are hierarchical: 01, 0101, 010101 ...), each
    with its parents loaded, so that showing their paths costs no query per category (the tree has
    three levels)."""
    return Category.objects.filter(is_active=True).select_related("parent__parent").order_by("code")
