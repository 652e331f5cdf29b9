from django import template

from core.images import thumbnail_url

register = template.Library()


@register.filter
def thumbnail(image_field, size: str = "card") -> str:
    """`{{ photo.image|thumbnail:"card" }}`: the URL of a thumbnail made when the image was saved."""
    name = getattr(image_field, "name", image_field)
    return thumbnail_url(name, size) if name else ""
