"""The department tree, for clients that dispatch or filter by department."""

from django.http import HttpRequest
from ninja import Router, Schema

from hotline.core.enums import DepartmentLevel
from hotline.directory.models import Department

router = Router(tags=["directory"])


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    level: DepartmentLevel
    parent_id: int | None
    is_area: bool


@router.get("", response=list[DepartmentOut], summary="Active departments (承办单位), by code")
def list_departments(request: HttpRequest) -> list[Department]:
    return list(Department.objects.filter(is_active=True).order_by("code"))
