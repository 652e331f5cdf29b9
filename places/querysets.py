from django.db import models

# village → tambon → district → province → country
ANCESTOR_PATH = "parent__parent__parent__parent"


class PlaceQuerySet(models.QuerySet):
    def with_ancestors(self):
        """Join the parents up to the country so `full_name` costs no further queries."""
        return self.select_related(ANCESTOR_PATH)

    def provinces(self, country: str | None = None):
        qs = self.filter(level="province")
        return qs.filter(country=country) if country else qs

    def in_country(self, country: str):
        return self.filter(country=country)
