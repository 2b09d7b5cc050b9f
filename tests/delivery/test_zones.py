"""Where the town delivers and what it costs: an address is in a zone by its postcode or by
its distance from the depot; outside, the shopper is told to choose pickup; below the
minimum, how much is missing. The manager sets zones on /gestion/livraison, bad input is
refused on its field and nothing is written."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.delivery.models import DeliveryZone
from app.delivery.services import quote, zone_for
from app.errors import DomainError
from app.extensions import db
from tests.delivery.helpers import TABLES, VALS, YSSINGEAUX, town_zone
from tests.factories import make_manager
from tests.web.merchant_helpers import log_in, page, submit, text

TUESDAY, SUNDAY = date(2026, 11, 24), date(2026, 11, 29)


def refusal(fn, *args):
    with pytest.raises(DomainError) as refused:
        fn(*args)
    return refused.value


def test_an_address_in_the_postcodes_is_quoted_the_zone_fee(app):
    zone = town_zone()

    found = quote(TABLES, 2500, TUESDAY)

    assert found.zone.id == zone.id
    assert found.fee_cents == 490


def test_the_fee_is_waived_from_the_free_above_amount(app):
    town_zone(free_above_cents=6000)

    assert quote(TABLES, 5999, TUESDAY).fee_cents == 490
    assert quote(TABLES, 6000, TUESDAY).fee_cents == 0


def test_an_address_within_the_radius_is_in_a_zone_without_its_postcode(app):
    town_zone(name="Alentours", postcodes="", radius_m=2000, fee_cents=790)

    assert zone_for(VALS).name == "Alentours"
    assert zone_for(YSSINGEAUX) is None


def test_overlapping_zones_charge_the_cheaper_fee(app):
    town_zone(name="Rayon", postcodes="", radius_m=3000, fee_cents=790)
    town_zone(name="Centre", fee_cents=390)

    assert quote(TABLES, 2500, TUESDAY).fee_cents == 390
    assert quote(VALS, 2500, TUESDAY).fee_cents == 790


def test_an_address_outside_every_zone_is_refused_on_the_address_saying_pickup(app):
    town_zone()

    error = refusal(quote, YSSINGEAUX, 2500, TUESDAY)

    assert (error.code, error.field) == ("outside_zones", "address")
    assert "retrait en boutique" in error.message


def test_a_basket_below_the_minimum_is_refused_with_the_amount_missing(app):
    town_zone(min_basket_cents=2000)

    error = refusal(quote, TABLES, 1450, TUESDAY)

    assert (error.code, error.field) == ("below_minimum", "basket")
    assert "5,50" in error.message


def test_a_zone_delivers_only_on_its_weekdays(app):
    town_zone(weekdays="012345")  # not on Sunday

    error = refusal(quote, TABLES, 2500, SUNDAY)

    assert (error.code, error.field) == ("no_delivery_that_day", "day")


# ---- The manager's page ----------------------------------------------------------------

ZONE = {"zone-name": "Centre-ville", "zone-postcodes": "43000, 43750", "zone-radius_m": "",
        "zone-fee": "4,90", "zone-free_above": "60", "zone-min_basket": "20",
        "zone-weekdays": ["1", "2", "3", "4", "5"]}


@pytest.fixture
def manager(client):
    make_manager()
    log_in(client, "manager@example.fr")


def add_zone(client, **changes):
    data = {**ZONE, **changes}
    return submit(client, "/gestion/livraison", "/gestion/livraison/zones",
                  {k: v for k, v in data.items() if v is not None})


def zones() -> list[DeliveryZone]:
    return list(db.session.scalars(sa.select(DeliveryZone)))


def test_the_manager_adds_a_zone_and_sees_it_listed(client, manager):
    response = add_zone(client)

    assert response.status_code == 302
    [zone] = zones()
    assert (zone.postcodes, zone.fee_cents, zone.free_above_cents, zone.min_basket_cents,
            zone.weekdays) == ("43000,43750", 490, 6000, 2000, "12345")
    listed = page(client, "/gestion/livraison")
    assert "Centre-ville" in listed and "43000, 43750" in listed


@pytest.mark.parametrize("changes, field, message", [
    ({"zone-postcodes": "43OOO"}, "zone-postcodes", "n'est pas un code postal"),
    ({"zone-postcodes": "", "zone-radius_m": ""}, "zone-postcodes", "un rayon"),
    ({"zone-radius_m": "-5"}, "zone-radius_m", "Entre 1 et 50000"),
    ({"zone-fee": "quatre"}, "zone-fee", "Montant en euros"),
    ({"zone-weekdays": None}, "zone-weekdays", "au moins un jour"),
    ({"zone-name": ""}, "zone-name", "Le nom est obligatoire"),
])
def test_bad_zone_input_is_refused_on_its_field_and_nothing_is_written(
        client, manager, changes, field, message):
    response = add_zone(client, **changes)

    assert response.status_code == 422
    body = text(response)
    error = body[body.index(f'id="{field}-error"'):][:300]
    assert message in error
    assert zones() == []


def test_a_zone_name_is_shown_as_text_not_markup(client, manager):
    add_zone(client, **{"zone-name": "<b>Centre</b>"})

    assert "&lt;b&gt;Centre&lt;/b&gt;" in page(client, "/gestion/livraison")


def test_the_manager_deletes_a_zone(client, manager):
    add_zone(client)
    [zone] = zones()

    response = submit(client, "/gestion/livraison", f"/gestion/livraison/zones/{zone.id}/supprimer")

    assert response.status_code == 302
    assert zones() == []


def test_shop_staff_cannot_reach_the_delivery_page(client):
    from tests.factories import make_merchant, make_shop
    make_merchant(make_shop())
    log_in(client, "boulangerie@example.fr")

    assert client.get("/gestion/livraison").status_code == 403


def test_the_delivery_page_reads_in_english(client, manager):
    add_zone(client, **{"zone-postcodes": "43OOO"})  # a refusal, in French first
    client.get("/langue/en")

    response = add_zone(client, **{"zone-postcodes": "43OOO"})

    body = text(response)
    assert "Home delivery" in body and "Add the zone" in body
    assert "“43OOO” is not a postcode (5 digits)." in body


# ---- Windows and couriers on the same page -------------------------------------------------

WINDOW = {"window-starts": "17:00", "window-ends": "19:00", "window-drops": "12",
          "window-cutoff_days_before": "0", "window-cutoff_time": "14:00",
          "window-weekdays": ["0", "1", "2", "3", "4", "5"]}


def add_window(client, **changes):
    data = {**WINDOW, **changes}
    return submit(client, "/gestion/livraison", "/gestion/livraison/creneaux",
                  {k: v for k, v in data.items() if v is not None})


def test_the_manager_adds_a_window_and_suspends_it(client, manager):
    from app.delivery.models import DeliveryWindow
    assert add_window(client).status_code == 302
    [window] = db.session.scalars(sa.select(DeliveryWindow)).all()
    assert (str(window.starts), str(window.ends), window.drops, window.weekdays) == \
        ("17:00:00", "19:00:00", 12, "012345")
    assert "le jour même à 14:00" in text(client.get("/gestion/livraison"))

    submit(client, "/gestion/livraison", f"/gestion/livraison/creneaux/{window.id}/suspendre")

    db.session.expire_all()
    assert db.session.get(DeliveryWindow, window.id).active is False
    assert "Reprendre" in text(client.get("/gestion/livraison"))


@pytest.mark.parametrize("changes, field, message", [
    ({"window-ends": "16:00"}, "window-ends", "La fin doit suivre le début"),
    ({"window-cutoff_time": "18:00"}, "window-cutoff_time", "la limite doit précéder"),
    ({"window-drops": "0"}, "window-drops", "Entre 1 et 1000"),
    ({"window-starts": "5pm"}, "window-starts", ""),
    ({"window-weekdays": None}, "window-weekdays", "au moins un jour"),
    ({"window-weekdays": ["9"]}, "window-weekdays", ""),
])
def test_bad_window_input_is_refused_on_its_field_and_nothing_is_written(
        client, manager, changes, field, message):
    from app.delivery.models import DeliveryWindow
    response = add_window(client, **changes)

    assert response.status_code == 422
    body = text(response)
    assert f'id="{field}-error"' in body
    assert message in body[body.index(f'id="{field}-error"'):][:300]
    assert db.session.scalars(sa.select(DeliveryWindow)).all() == []


def test_the_manager_adds_a_courier_and_a_bad_phone_is_refused_on_its_field(client, manager):
    from app.delivery.models import Courier
    page_url, action = "/gestion/livraison", "/gestion/livraison/livreurs"

    refused = submit(client, page_url, action, {"courier-name": "Léa", "courier-phone": "12",
                                                "courier-capacity": "10"})

    assert refused.status_code == 422
    body = text(refused)
    assert "Numéro de téléphone invalide" in body[body.index('id="courier-phone-error"'):]
    assert db.session.scalars(sa.select(Courier)).all() == []
    added = submit(client, page_url, action, {"courier-name": "<i>Léa</i>",
                                              "courier-phone": "06 11 22 33 44",
                                              "courier-capacity": "10"})
    assert added.status_code == 302
    [courier] = db.session.scalars(sa.select(Courier)).all()
    assert (courier.phone, courier.capacity) == ("+33611223344", 10)
    assert "&lt;i&gt;Léa&lt;/i&gt;" in page(client, page_url)
