"""A project may be a renovation done before Gongzhi ran it (carried over from the compound's earlier
record): no one created it here, and renovations of the 1990s are on record."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0005_site_findings_acceptance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="project",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a renovation carried over from the compound's earlier record.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.RemoveConstraint(model_name="project", name="renovation_project_year_plausible"),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 1990), ("year__lte", 2100)),
                name="renovation_project_year_plausible",
            ),
        ),
    ]
