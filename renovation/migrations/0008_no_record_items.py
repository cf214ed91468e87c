"""The catalogue no longer maps onto property's renovation catalogue, which goes (property 0013)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("renovation", "0007_one_renovation_record")]

    operations = [migrations.RemoveField(model_name="catalogueitem", name="record_item")]
