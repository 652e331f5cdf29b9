from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    """The verification history takes the field names every history shares (core.models.StateChange):
    changed_by → by, reason → note, changed_at → at. The rows are kept."""

    dependencies = [
        ("producers", "0004_payout_changes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="producerstatechange", old_name="changed_by", new_name="by"),
        migrations.RenameField(model_name="producerstatechange", old_name="reason", new_name="note"),
        migrations.RenameField(model_name="producerstatechange", old_name="changed_at", new_name="at"),
        migrations.AlterModelOptions(
            name="producerstatechange",
            options={"ordering": ["-at", "-pk"], "verbose_name": "verification change", "verbose_name_plural": "verification history"},
        ),
    ]
