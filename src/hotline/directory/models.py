import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import AreaRole, DepartmentLevel
from hotline.directory.geometry import parse_boundary

# Lists typed into one admin field: one entry per line, or separated by Chinese or Latin commas.
_TERM_SEPARATORS = re.compile(r"[\n\r,，、;；]+")


def split_terms(text: str) -> list[str]:
    """The entries of a list typed into one field, stripped, without blanks or repeats, in order."""
    return list(dict.fromkeys(t.strip() for t in _TERM_SEPARATORS.split(text or "") if t.strip()))


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
    # The unit's line for citizens (咨询电话): filled into replies ({联系电话}, knowledge.templates) and
    # kept as written where answers are published, which mask other numbers (feedback.disclosure).
    # A default in the database too: code that knows no phone yet (an older migration's model, a
    # bulk insert of another app) still writes a department.
    phone = models.CharField(
        _("联系电话"),
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text=_("对市民公开的咨询电话，如 0571-88880000；答复模板的 {联系电话} 由此填写"),
    )

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
            frontier = [pk for pk in frontier if pk not in ids]  # a cycle in bad data must not loop forever
            ids.update(frontier)
        return ids


class Place(models.Model):
    """The gazetteer entry (地名) of an area: the other names citizens use for it, and its boundary.

    An area department (a district, street or community) is found in an address by its own name,
    by the aliases here (a former name, a short name, the roads and compounds inside it), by its
    national division code (districts, as `cpca` reads them) or, for a point, by its boundary.
    """

    department = models.OneToOneField(
        Department,
        verbose_name=_("属地单位"),
        on_delete=models.CASCADE,
        related_name="place",
        limit_choices_to={"is_area": True},
    )
    aliases = models.TextField(
        _("别名"), blank=True, help_text=_("每行一个，或用顿号、逗号分隔：简称、旧称、辖区内的道路和小区")
    )
    adcode = models.CharField(
        _("行政区划代码"),
        max_length=12,
        blank=True,
        help_text=_("区县的 6 位国家行政区划代码，如 460106；用于识别地址中的区县"),
    )
    boundary = models.JSONField(
        _("边界"),
        null=True,
        blank=True,
        help_text=_("多边形，[[[经度, 纬度], ...], ...]：第一个环为外边界，其余为挖空部分"),
    )

    class Meta:
        verbose_name = _("地名")
        verbose_name_plural = _("地名库")
        ordering = ["department__code"]

    def __str__(self) -> str:
        return str(self.department)

    def clean(self) -> None:
        if self.department_id and not self.department.is_area:
            raise ValidationError({"department": _("只有属地单位（区、街道、社区）可以登记地名")})
        if self.adcode and not re.fullmatch(r"\d{6}(\d{6})?", self.adcode):
            raise ValidationError({"adcode": _("行政区划代码应为 6 位或 12 位数字")})
        if self.boundary is not None:
            try:
                parse_boundary(self.boundary)
            except ValueError as exc:
                raise ValidationError({"boundary": str(exc)}) from None

    @property
    def alias_list(self) -> list[str]:
        return split_terms(self.aliases)


class Responsibility(models.Model):
    """One line of the responsibility list (权责清单): who leads and who co-handles a category.

    A rule applies to the tickets of its category and of every category below it, optionally only
    in one area (and below it), only when the text names one of `keywords`, and never when it
    names one of `exclude_keywords`. Of the rules that apply, the one with the highest `priority`
    fires; between equal priorities the more specific one (deeper category, then deeper area, then
    one with keywords). `routing.rules` evaluates them and says why each did or did not fire.
    """

    name = models.CharField(_("名称"), max_length=100)
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name=_("分类"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    area = models.ForeignKey(
        Department,
        verbose_name=_("属地范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="area_responsibilities",
        limit_choices_to={"is_area": True},
        help_text=_("留空：全市适用"),
    )
    keywords = models.TextField(
        _("包含关键词"), blank=True, help_text=_("任一出现即符合；每行一个，或用顿号、逗号分隔；留空：不限")
    )
    exclude_keywords = models.TextField(
        _("排除关键词"), blank=True, help_text=_("任一出现即不适用；每行一个，或用顿号、逗号分隔")
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_responsibilities",
        help_text=_("由属地主办时留空"),
    )
    area_role = models.CharField(
        _("属地单位"),
        max_length=8,
        choices=AreaRole.choices,
        default=AreaRole.NONE,
        help_text=_("工单所在的街道、社区是否参与办理"),
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("协办单位"),
        through="ResponsibilityCoHandler",
        related_name="co_responsibilities",
        blank=True,
    )
    priority = models.SmallIntegerField(
        _("优先级"), default=0, help_text=_("数值大者优先；相同时更具体的规则优先")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.TextField(_("依据"), blank=True, help_text=_("职责依据，如“三定”方案条款"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("权责清单规则")
        verbose_name_plural = _("权责清单")
        ordering = ["category__code", "-priority", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        area_leads = self.area_role == AreaRole.LEAD
        if area_leads and self.lead_department_id:
            raise ValidationError({"lead_department": _("由属地主办时不填主办单位")})
        if not area_leads and not self.lead_department_id:
            raise ValidationError({"lead_department": _("请指定主办单位，或选择由属地主办")})

    @property
    def keyword_list(self) -> list[str]:
        return split_terms(self.keywords)

    @property
    def exclude_keyword_list(self) -> list[str]:
        return split_terms(self.exclude_keywords)


class ResponsibilityCoHandler(models.Model):
    """A co-handling department (协办单位) of a responsibility rule."""

    responsibility = models.ForeignKey(
        Responsibility, verbose_name=_("权责清单规则"), on_delete=models.CASCADE, related_name="co_handlers"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("协办单位")
        verbose_name_plural = _("协办单位")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["responsibility", "department"], name="responsibility_unique_co_handler"
            ),
        ]

    def __str__(self) -> str:
        return str(self.department)
