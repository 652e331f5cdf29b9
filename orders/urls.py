from django.urls import path

from .views import manage, public

app_name = "orders"

urlpatterns = [
    path("cart/", public.CartView.as_view(), name="cart"),
    path("cart/add/", public.CartAddView.as_view(), name="cart_add"),
    path("cart/update/", public.CartUpdateView.as_view(), name="cart_update"),
    path("checkout/", public.CheckoutView.as_view(), name="checkout"),
    path("orders/", public.OrderListView.as_view(), name="order_list"),
    path("orders/<str:number>/", public.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<str:number>/slips/<int:slip_id>/", public.SlipImageView.as_view(), name="order_slip"),
    path("favourites/", public.FavouritesView.as_view(), name="favourites"),
    path("favourites/toggle/", public.FavouriteToggleView.as_view(), name="favourite_toggle"),
    path("dashboard/orders/", manage.ProducerOrderListView.as_view(), name="manage_orders"),
    path("dashboard/orders/export.csv", manage.OrdersCsvView.as_view(), name="manage_orders_csv"),
    path("dashboard/orders/<str:number>/", manage.ProducerOrderDetailView.as_view(), name="manage_order"),
    path("dashboard/orders/<str:number>/packing-slip/", manage.PackingSlipView.as_view(), name="packing_slip"),
    # The same image and the same rule (buyer, producer member or staff) as under the buyer's order.
    path("dashboard/orders/<str:number>/slips/<int:slip_id>/", public.SlipImageView.as_view(), name="manage_order_slip"),
    path("dashboard/sales-terms/", manage.SalesTermsView.as_view(), name="sales_terms"),
]
