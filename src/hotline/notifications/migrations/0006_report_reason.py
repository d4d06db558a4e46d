from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_early_warning_reason"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="reason",
            field=models.CharField(
                choices=[
                    ("sign_overdue", "签收超时"),
                    ("response_overdue", "首次响应超时"),
                    ("due_soon", "临近办理时限"),
                    ("daily", "每日待办提醒"),
                    ("supervision", "督办通知"),
                    ("supervision_resolved", "督办办结"),
                    ("early_warning", "预警"),
                    ("report", "报告已生成"),
                    ("other", "其他"),
                ],
                max_length=32,
                verbose_name="原因",
            ),
        ),
    ]
