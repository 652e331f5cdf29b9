"""Storage backends for the files no URL may reach (transfer slips, uploaded import files).

They are the usual backends, the web machine's disk or S3-compatible object storage, with
`url()` refused: a private file reaches a browser only through a view that checks who asks and
streams it from `storage.open()`. A template or a serializer that asks for such a file's URL
fails loudly instead of printing the address of a folder or a signed link that anyone holding
it could open.
"""

from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage


class NoPublicURL:
    def url(self, name, *args, **kwargs):
        raise ValueError("Private files have no URL; a view streams them to those allowed to see them.")


class PrivateFileSystemStorage(NoPublicURL, FileSystemStorage):
    """A folder outside MEDIA_ROOT, which /media/ does not serve."""


class PrivateS3Storage(NoPublicURL, S3Storage):
    """A bucket, or a key prefix of the media bucket, that the bucket policy keeps unreadable to
    anonymous requests; the site reads it with its own credentials."""
