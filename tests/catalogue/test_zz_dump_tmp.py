from tests.catalogue.test_import import *  # noqa

def test_dump(client, member_a, categories):
    log_in(client, member_a)
    r = client.post(IMPORT_URL, {"file": upload(b"colour,size\nred,M\n")})
    open("/tmp/upload_error.html", "w").write(r.content.decode())
    rows = [SCARF, TEA | {"price": "-5", "extra": "x"}, TEA, TEA | {"category": "weapons", "stock": "many"}]
    data = csv_bytes(rows, columns=list(SCARF))[:-2] + b",surplus\r\n"
    up = client.post(IMPORT_URL, {"file": upload(data)})
    r = client.get(up.url)
    open("/tmp/preview.html", "w").write(r.content.decode())
