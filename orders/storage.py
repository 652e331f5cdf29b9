"""Where personal uploads are kept: the project's private storage, which no URL reaches.

Transfer slips show the buyer's name and bank account, so they are stored in
`STORAGES["private"]` (beside the public media, never inside it) and reach a browser only
through a view that checks who is asking.
"""

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

PRIVATE_STORAGE_ALIAS = "private"


@deconstructible(path="orders.storage.PrivateStorage")
class PrivateStorage(Storage):
    """`STORAGES["private"]`, looked up at every use.

    A file field keeps the storage object it was given for the life of the process; looking the
    backend up each time lets each deployment (a folder, object storage) and each test (its own
    temporary folder) decide where the files are. It has no URL: `url()` raises, as the backend
    configured without a base URL does.
    """

    @property
    def backend(self) -> Storage:
        return storages[PRIVATE_STORAGE_ALIAS]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def path(self, name):
        return self.backend.path(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        raise ValueError("Private files have no URL; a view streams them to those allowed to see them.")

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)
