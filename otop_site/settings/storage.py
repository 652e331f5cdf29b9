"""Where uploaded files live: the web machine's disk, or S3-compatible object storage that every
web and task machine shares (docs/media.md).

`s3_storages()` builds the two entries of STORAGES that change: "default" (product, producer
and gallery photos with their thumbnails, public) and "private" (transfer slips, import files
waiting for confirmation; never under a public URL).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def s3_storages(
    *,
    bucket: str,
    private_bucket: str = "",
    media_prefix: str = "media",
    private_prefix: str = "private",
    endpoint_url: str = "",
    region: str = "",
    public_url: str = "",
    addressing_style: str = "",
    public_acl: str = "",
) -> dict:
    """STORAGES["default"] and ["private"] on S3: the media under `media_prefix` of `bucket`,
    public (the bucket policy grants anonymous reads of that prefix only, or `public_acl` is set
    on each object for services that use ACLs); the private files under `private_prefix` of
    `private_bucket` (the media bucket unless given), which nothing grants to anonymous reads."""
    media_prefix, private_prefix = media_prefix.strip("/"), private_prefix.strip("/")
    if not private_bucket or private_bucket == bucket:
        # One bucket: the public-read policy names the media prefix, so the private prefix must
        # lie outside it.
        if not media_prefix or not private_prefix or f"{private_prefix}/".startswith(f"{media_prefix}/") or f"{media_prefix}/".startswith(f"{private_prefix}/"):
            raise ImproperlyConfigured(
                "With one bucket for media and private files, S3_MEDIA_PREFIX and S3_PRIVATE_PREFIX must be "
                f"two separate folders (got {media_prefix!r} and {private_prefix!r}); or set S3_PRIVATE_BUCKET."
            )
    common = {
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "addressing_style": addressing_style or None,
        # Like the file system: a name already taken gets a suffix, nothing is overwritten.
        "file_overwrite": False,
    }
    media = {
        **common,
        "bucket_name": bucket,
        "location": media_prefix,
        "default_acl": public_acl or None,
        # Plain, cacheable addresses: a signed link would change on every page.
        "querystring_auth": False,
        # Names are random and a photo is never rewritten in place (a thumbnail made again is
        # the same picture), so browsers and CDNs may keep them a day.
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    if public_url:
        address = urlsplit(public_url)
        media["custom_domain"] = (address.netloc + address.path).rstrip("/")
        media["url_protocol"] = f"{address.scheme}:"
    private = {
        **common,
        "bucket_name": private_bucket or bucket,
        "location": private_prefix,
        "default_acl": None,
        "querystring_auth": True,
    }
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": media},
        "private": {"BACKEND": "core.storage.PrivateS3Storage", "OPTIONS": private},
    }


def s3_media_origins(*, bucket: str, endpoint_url: str = "", region: str = "", public_url: str = "", addressing_style: str = "") -> list[str]:
    """The origins the media's addresses start with, for the Content-Security-Policy's img-src."""
    if public_url:
        address = urlsplit(public_url)
        return [f"{address.scheme}://{address.netloc}"]
    if endpoint_url:
        address = urlsplit(endpoint_url)
        if addressing_style == "virtual":
            return [f"{address.scheme}://{bucket}.{address.netloc}"]
        return [f"{address.scheme}://{address.netloc}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins
