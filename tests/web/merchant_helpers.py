"""Given-helpers for the staff pages: sign in, submit forms with their CSRF token, orders
at a chosen slot."""
import html
import re

from app.orders import services as orders
from app.orders.requests import parse_checkout
from app.pickup.services import next_bookable_slots
from app.timeutil import iso
from tests.factories import PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def submit(client, page_url: str, action: str, data: dict | None = None, **kwargs):
    """POST `data` to `action` the way the browser does from `page_url`, token included."""
    token = csrf_token(page(client, page_url))
    return client.post(action, data={"csrf_token": token, **(data or {})}, **kwargs)


def log_in(client, email: str, password: str = PASSWORD, **kwargs):
    return submit(client, "/connexion", "/connexion", {"email": email, "password": password},
                  **kwargs)


def text(response) -> str:
    """The page as a reader sees it: entities decoded (n&#39;a -> n'a)."""
    return html.unescape(response.get_data(as_text=True))


def order_at(shop, lines, now, payments, *, slot=0, phone="06 12 34 56 78",
             name="Claire Dupont"):
    """A paid order for `shop` at its `slot`-th bookable slot of the first open day."""
    start = next_bookable_slots(shop, now, days=1)[0][1][slot].start
    payload = {"customer": {"name": name, "phone": phone},
               "orders": [{"shop": shop.slug, "slot": iso(start),
                           "lines": [{"product_id": p.id, "quantity": q} for p, q in lines]}]}
    checkout = orders.create_checkout(parse_checkout(payload), now=now, provider=payments,
                                      payload=payload).checkout
    orders.pay_checkout(checkout.id, "test_ok", now=now, provider=payments)
    return checkout.orders[0]
