from django.db import migrations

from catalogue.taxonomy import CATEGORIES


def load_categories(apps, schema_editor):
    category_model = apps.get_model("catalogue", "Category")
    for position, (slug, en, th, ja, children) in enumerate(CATEGORIES):
        parent, _ = category_model.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_th": th, "name_ja": ja, "position": position, "parent": None}
        )
        for child_position, (child_slug, child_en, child_th, child_ja) in enumerate(children):
            category_model.objects.update_or_create(
                slug=child_slug,
                defaults={"name_en": child_en, "name_th": child_th, "name_ja": child_ja, "position": child_position, "parent": parent},
            )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load_categories, migrations.RunPython.noop)]
