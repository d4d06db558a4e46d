"""The timeline's vocabulary (core.enums.EventType) as the field's choices, and one shape per
event type: `supervise` events written by the sweep named their department by id, those opened by
hand by code; the sweep's are mapped to the code (SQL for the two databases Hotline runs on)."""

from django.db import migrations, models

# One statement each way, whatever the number of events (the sweep writes many): the department's
# id becomes its code, or back. A department no longer there leaves null, as it would by hand.
_SQL = {
    ("postgresql", True): """
        UPDATE tickets_ticketevent SET details = jsonb_set(
            details, '{department}',
            COALESCE((SELECT to_jsonb(d.code) FROM directory_department d
                      WHERE d.id = (tickets_ticketevent.details->>'department')::bigint), 'null'::jsonb))
        WHERE action = 'supervise' AND details->>'by' = 'sweep'
          AND jsonb_typeof(details->'department') = 'number'
    """,
    ("postgresql", False): """
        UPDATE tickets_ticketevent SET details = jsonb_set(
            details, '{department}',
            COALESCE((SELECT to_jsonb(d.id) FROM directory_department d
                      WHERE d.code = tickets_ticketevent.details->>'department'), 'null'::jsonb))
        WHERE action = 'supervise' AND details->>'by' = 'sweep'
          AND jsonb_typeof(details->'department') = 'string'
    """,
    ("sqlite", True): """
        UPDATE tickets_ticketevent SET details = json_set(
            details, '$.department',
            (SELECT d.code FROM directory_department d
             WHERE d.id = json_extract(tickets_ticketevent.details, '$.department')))
        WHERE action = 'supervise' AND json_extract(details, '$.by') = 'sweep'
          AND json_type(details, '$.department') = 'integer'
    """,
    ("sqlite", False): """
        UPDATE tickets_ticketevent SET details = json_set(
            details, '$.department',
            (SELECT d.id FROM directory_department d
             WHERE d.code = json_extract(tickets_ticketevent.details, '$.department')))
        WHERE action = 'supervise' AND json_extract(details, '$.by') = 'sweep'
          AND json_type(details, '$.department') = 'text'
    """,
}


def _rename_departments(schema_editor, *, to_code: bool) -> None:
    schema_editor.execute(_SQL[(schema_editor.connection.vendor, to_code)])


def department_ids_to_codes(apps, schema_editor):
    _rename_departments(schema_editor, to_code=True)


def department_codes_to_ids(apps, schema_editor):
    _rename_departments(schema_editor, to_code=False)


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
