from django.urls import path

from .views import imports, manage, public

app_name = "catalogue"

urlpatterns = [
    path("products/", public.ProductListView.as_view(), name="product_list"),
    path("products/<slug:slug>/", public.ProductDetailView.as_view(), name="product_detail"),
    path("search/suggest/", public.SuggestView.as_view(), name="suggest"),
    path("producers/", public.ProducerListView.as_view(), name="producer_list"),
    path("dashboard/products/", manage.ListingListView.as_view(), name="listings"),
    path("dashboard/products/new/", manage.ListingCreateView.as_view(), name="listing_create"),
    path("dashboard/products/import/", imports.ListingImportView.as_view(), name="listing_import"),
    path(
        "dashboard/products/import/<slug:token>/",
        imports.ListingImportPreviewView.as_view(),
        name="listing_import_preview",
    ),
    path("dashboard/products/export/", imports.ListingExportView.as_view(), name="listing_export"),
    path("dashboard/products/<int:pk>/", manage.ListingUpdateView.as_view(), name="listing_update"),
    path("dashboard/products/<int:pk>/action/", manage.ListingActionView.as_view(), name="listing_action"),
    path("dashboard/products/<int:pk>/photos/", manage.ListingPhotosView.as_view(), name="listing_photos"),
    path(
        "dashboard/products/<int:pk>/photos/<int:photo_id>/",
        manage.ListingPhotoActionView.as_view(),
        name="listing_photo_action",
    ),
]
