from django.db import migrations


class Migration(migrations.Migration):
    """Keep the names' search vector in the row (compressed), not in TOAST: ranking reads it for
    every matched product, and a TOAST fetch per row was most of a search's time. Rows take it
    as they are next written (a reindex rewrites them all)."""

    dependencies = [("catalogue", "0007_partial_search_indexes")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE catalogue_product ALTER COLUMN search_names SET STORAGE MAIN",
            "ALTER TABLE catalogue_product ALTER COLUMN search_names SET STORAGE EXTENDED",
        )
    ]
