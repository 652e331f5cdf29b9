import pytest
from tests.orders.factories import log_in, place_one

@pytest.mark.parametrize("ref", ["²", "١٢", "１", "9"*30, "9"*140])
def test_probe_cart(buyer_client, scarf, ref):
    r = buyer_client.post("/cart/add/", {"product": ref, "quantity": "1"})
    print(ref, r.status_code)

@pytest.mark.parametrize("ref", ["²", "9"*30, "9"*5000])
def test_probe_fav(buyer_client, scarf, ref):
    for key in ("product", "producer"):
        r = buyer_client.post("/favourites/toggle/", {key: ref})
        print(key, ref[:5], r.status_code)

@pytest.mark.parametrize("ref", ["²", "9"*30, "9"*5000])
def test_probe_checkout(buyer_client, buyer, shop, scarf, ref):
    from tests.orders.factories import fill_cart, checkout_post
    fill_cart(buyer, (scarf, 1))
    data = checkout_post({shop.pk: {"delivery": "pickup", "payment": "stall", "event": ref}}, token="tok")
    r = buyer_client.post("/checkout/", data)
    print("checkout", ref[:5], r.status_code)

@pytest.mark.parametrize("ref", ["²", "9"*30, "9"*5000])
def test_probe_slip(client, buyer, manager, scarf, ref):
    order = place_one(buyer, scarf)
    r = log_in(client, manager).post(f"/dashboard/orders/{order.number}/", {"action": "slip_accept", "slip": ref})
    print("slip", ref[:5], r.status_code)

@pytest.mark.parametrize("ref", ["²", "9"*30, "9"*5000])
def test_probe_update(buyer_client, buyer, scarf, ref):
    from tests.orders.factories import fill_cart
    fill_cart(buyer, (scarf, 1))
    r = buyer_client.post("/cart/update/", {"item": ref, "quantity": "1"})
    print("update", ref[:5], r.status_code)
    r = buyer_client.post(f"/orders/OT1/", {"action": "review", "line": ref, "rating": "5", "text": "x"})
