"""schema.org JSON-LD for product pages."""

from core.images import thumbnail_url


def product_jsonld(product, photos, *, request) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.slug,
        "url": request.build_absolute_uri(request.path),
        "description": (product.description or product.story)[:1000],
        "category": product.category.name,
        "brand": {"@type": "Brand", "name": product.local_brand_name or product.producer.display_name},
        "manufacturer": {"@type": "Organization", "name": product.producer.display_name},
        "countryOfOrigin": product.country,
        "image": [request.build_absolute_uri(thumbnail_url(photo.image.name, "large")) for photo in photos],
        "offers": {
            "@type": "Offer",
            "price": f"{product.price:.2f}",
            "priceCurrency": product.currency,
            "availability": "https://schema.org/InStock" if product.in_stock else "https://schema.org/OutOfStock",
            "url": request.build_absolute_uri(request.path),
            "seller": {"@type": "Organization", "name": product.producer.display_name},
        },
    }
    if product.star_scheme and product.star_rating and not product.star_lapsed:  # a lapsed rating is no award
        year = f" ({product.star_year})" if product.star_year else ""
        data["award"] = f"{product.get_star_scheme_display()}: {product.star_rating}★{year}"
    return data
