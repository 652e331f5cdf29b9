"""Transfer slips (names, account numbers) move out of the public media, where /media/slips/…
answered anyone, into the private storage, which no URL reaches.

Only the files this database's slips name are moved, with the thumbnails the old code made
beside them; a file already missing is skipped. Files it does not know are left alone: a test
database, migrated against the same media folder, must not touch a developer's slips. The public
copies are deleted once the migration has committed, so a failed migration loses nothing.
"""

import os

from django.core.files.storage import storages
from django.db import migrations, models, transaction

import orders.storage

# The thumbnails the old code stored beside each slip (`name__card.jpg`); nothing shows them now.
OLD_THUMBNAIL_SIZES = ("square", "card", "large")


def _with_thumbnails(name: str) -> list[str]:
    stem = name.rsplit(".", 1)[0]
    return [name, *(f"{stem}__{size}.jpg" for size in OLD_THUMBNAIL_SIZES)]


def _copy_slips(apps, source, target) -> list[str]:
    """Copy each slip's file from `source` to `target` (the row follows if the name must change);
    return the names copied, to be deleted from `source` later."""
    PaymentSlip = apps.get_model("orders", "PaymentSlip")
    copied = []
    for pk, name in PaymentSlip.objects.exclude(image="").values_list("pk", "image").iterator():
        if not source.exists(name):
            continue
        if not target.exists(name):  # names are random: one already there is this file, from a run cut short
            with source.open(name, "rb") as handle:
                stored = target.save(name, handle)
            if stored != name:
                PaymentSlip.objects.filter(pk=pk).update(image=stored)
        copied.append(name)
    return copied


def _delete_later(storage, names: list[str], *, using: str, folder: str = "slips") -> None:
    def delete():
        for name in names:
            for file_name in _with_thumbnails(name):
                if storage.exists(file_name):
                    storage.delete(file_name)
        try:
            if storage.listdir(folder) == ([], []):
                os.rmdir(storage.path(folder))
        except (NotImplementedError, OSError):
            pass  # object storage has no folders; a folder still holding unknown files stays

    transaction.on_commit(delete, using=using)


def move_slips_to_private(apps, schema_editor):
    public, private = storages["default"], storages["private"]
    copied = _copy_slips(apps, public, private)
    _delete_later(public, copied, using=schema_editor.connection.alias)


def move_slips_to_public(apps, schema_editor):
    """Back to where the previous code looks for them (without thumbnails)."""
    public, private = storages["default"], storages["private"]
    copied = _copy_slips(apps, private, public)
    _delete_later(private, copied, using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="paymentslip",
            name="image",
            field=models.ImageField(
                max_length=200, storage=orders.storage.PrivateStorage(), upload_to="slips/", verbose_name="transfer slip"
            ),
        ),
        migrations.RunPython(move_slips_to_private, move_slips_to_public),
    ]
