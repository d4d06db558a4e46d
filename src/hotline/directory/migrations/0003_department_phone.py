from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0002_responsibility_and_places'),
    ]

    operations = [
        migrations.AddField(
            model_name='department',
            name='phone',
            field=models.CharField(blank=True, db_default='', default='', help_text='对市民公开的咨询电话，如 0571-88880000；答复模板的 {联系电话} 由此填写', max_length=40, verbose_name='联系电话'),
        ),
    ]
