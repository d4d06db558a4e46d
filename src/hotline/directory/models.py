from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import DepartmentLevel


class Department(models.Model):
    """A handling unit (承办单位) in the city / district / street / community hierarchy."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=DepartmentLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # True for functional bureaus (住建局, 市场监管局); False for territorial ones (区, 街道).
    is_area = models.BooleanField(_("属地单位"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """This department and everything under it (one query per level; the tree is shallow)."""
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids
