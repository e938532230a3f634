"""Every enterprise result names the county the enterprise was in at the end of the year."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_seed_presets"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enterpriseresult",
            name="county",
            field=models.ForeignKey(
                help_text="Where the enterprise was at the end of the year evaluated.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.orgunit",
                verbose_name="county",
            ),
        ),
    ]
