"""A compound's renovation record is renovation's project handed over (renovation 0007 moved the
records there); the record and its catalogue go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("property", "0012_import_redacted"), ("renovation", "0008_no_record_items")]

    operations = [
        migrations.DeleteModel(name="Renovation"),
        migrations.DeleteModel(name="RenovationItem"),
    ]
