"""schema.org JSON-LD for producer pages."""

from core.images import thumbnail_url


def organization_jsonld(producer, *, request) -> dict:
    url = request.build_absolute_uri(request.path)
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": producer.display_name,
        # In a fixed order (own language, English, Japanese), so the page is the same on every request.
        "alternateName": [
            n for n in dict.fromkeys([producer.name, producer.name_en, producer.name_ja]) if n and n != producer.display_name
        ],
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
