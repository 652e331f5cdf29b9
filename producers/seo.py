"""schema.org JSON-LD for producer pages."""

from .images import thumbnail_url


def organization_jsonld(producer, *, request) -> dict:
    url = request.build_absolute_uri(request.path)
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": producer.display_name,
        "alternateName": [n for n in {producer.name, producer.name_en, producer.name_ja} - {producer.display_name} if n],
        "url": url,
        "description": producer.display_story[:500],
        "address": {
            "@type": "PostalAddress",
            "addressLocality": producer.place.full_name,
            "addressRegion": producer.province.name_en,
            "addressCountry": producer.country,
        },
    }
    if producer.founded_year:
        data["foundingDate"] = str(producer.founded_year)
    if producer.logo:
        data["logo"] = request.build_absolute_uri(thumbnail_url(producer.logo.name, "square"))
    if producer.contact_email:
        data["email"] = producer.contact_email
    if producer.contact_phone:
        data["telephone"] = producer.contact_phone
    return data
