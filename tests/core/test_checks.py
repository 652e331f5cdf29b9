"""The site's own system checks."""

from django.core import checks


def test_private_files_inside_the_public_media_folder_are_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "media" / "private"

    found = checks.run_checks(tags=[checks.Tags.security])

    assert "otop.E001" in [message.id for message in found]


def test_private_files_beside_the_media_folder_pass(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"

    found = checks.run_checks(tags=[checks.Tags.security])

    assert "otop.E001" not in [message.id for message in found]
