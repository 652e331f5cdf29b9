"""Producer gallery photos, beside the shared factories in tests/factories.py."""

import factory

from producers.models import ProducerPhoto
from tests.factories import ProducerFactory


class ProducerPhotoFactory(factory.django.DjangoModelFactory):
    """A gallery row; the file itself is not needed by the pages, which only build URLs."""

    class Meta:
        model = ProducerPhoto

    producer = factory.SubFactory(ProducerFactory)
    image = factory.Sequence(lambda n: f"producers/photos/photo{n}.jpg")
    caption = factory.Sequence(lambda n: f"Loom number {n}")
    position = factory.Sequence(lambda n: n)
