from django.db import migrations

from catalogue import taxonomy


def load_categories(apps, schema_editor):
    taxonomy.load_categories(apps.get_model("catalogue", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load_categories, migrations.RunPython.noop)]
