"""The timeline's vocabulary (core.enums.EventType) as the field's choices, and one shape per
event type: `supervise` events written by the sweep named their department by id, those opened by
hand by code; the sweep's are mapped to the code."""

from django.db import migrations, models


def _rename_departments(apps, *, to_code: bool) -> None:
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    Department = apps.get_model("directory", "Department")
    pairs = Department.objects.values_list("pk", "code")
    names = dict(pairs) if to_code else {code: pk for pk, code in pairs}
    old = int if to_code else str
    changed = []
    for event in TicketEvent.objects.filter(action="supervise", details__by="sweep").iterator():
        department = event.details.get("department")
        if isinstance(department, old):
            event.details["department"] = names.get(department)
            changed.append(event)
    TicketEvent.objects.bulk_update(changed, ["details"], batch_size=1000)


def department_ids_to_codes(apps, schema_editor):
    _rename_departments(apps, to_code=True)


def department_codes_to_ids(apps, schema_editor):
    _rename_departments(apps, to_code=False)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("tickets", "0005_invalidation_lapsed_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ticketevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("receive", "受理"),
                    ("route", "智能分拨"),
                    ("route_failed", "智能分拨失败"),
                    ("dispatch", "派单"),
                    ("accept", "签收"),
                    ("return", "退单"),
                    ("review_return", "退单审核"),
                    ("answer", "协办反馈"),
                    ("reply", "答复"),
                    ("answer_on_spot", "直接答复"),
                    ("request_invalidation", "无效诉求申请"),
                    ("confirm_invalidation", "无效诉求确认"),
                    ("callback", "回访"),
                    ("close", "办结"),
                    ("merge", "合并"),
                    ("suspend", "挂起"),
                    ("resume", "恢复计时"),
                    ("request_extension", "延期申请"),
                    ("review_extension", "延期审批"),
                    ("supervise", "督办"),
                    ("resolve_supervision", "督办办结"),
                ],
                max_length=32,
                verbose_name="动作",
            ),
        ),
        migrations.RunPython(department_ids_to_codes, department_codes_to_ids),
    ]
