"""The checkout page records the language of the shopper's SMS (the language of the
pages) and, only if the shopper ticks it, their consent to the town's promotional SMS."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.orders.models import Customer
from tests.conftest import app_on
from tests.web.helpers import add_to_cart, checkout_form, page, shopper_town, text

PROMO_LABEL = ("Recevoir par SMS les bons plans des commerces de la ville (2 par mois au plus, "
               "STOP pour arrêter)")


def shopper() -> Customer:
    db.session.expire_all()
    return db.session.scalar(sa.select(Customer))


def test_the_promotions_box_is_offered_unticked_and_unticked_records_no_consent(client):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)

    html = page(client, "/commande")

    [box] = re.findall(r'<input[^>]*name="sms_promotions"[^>]*>', html)
    assert 'type="checkbox"' in box and "checked" not in box
    assert PROMO_LABEL in text(html)
    assert "Répondez STOP à un SMS pour ne plus recevoir de rappels" in text(html)

    response = client.post("/commande", data=checkout_form(client, [town.bakery]))

    assert response.status_code == 302
    assert (shopper().language, shopper().promo_consent_at) == ("fr", None)


def test_ticking_the_box_records_the_consent_and_its_time(client, clock):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)

    response = client.post("/commande", data=checkout_form(client, [town.bakery],
                                                           sms_promotions="y"))

    assert response.status_code == 302
    assert shopper().promo_consent_at == clock.now


@pytest.fixture
def english_client(database_uri, clock):
    """The site with its pages in English: the shopper chose English (the switch's cookie)."""
    with app_on(database_uri, clock) as app:
        client = app.test_client()
        client.set_cookie("lang", "en")
        yield client


def test_a_shopper_reading_the_pages_in_english_gets_english_sms(english_client):
    town = shopper_town()
    add_to_cart(english_client, town.bread, 1)

    response = english_client.post("/commande", data=checkout_form(english_client,
                                                                   [town.bakery]))

    assert response.status_code == 302
    assert shopper().language == "en"
