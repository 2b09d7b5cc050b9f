"""Addresses: the shopper types, picks from suggestions, and the chosen address keeps its
coordinates. The town's street table answers offline; the national address base (BAN) is
asked over HTTP (here a local fake); when it fails, the shopper is told to try again or
choose pickup, never shown an error page."""
import pytest

from app import geocoder
from app.delivery.errors import DeliveryUnavailable
from app.delivery.geocoding import BanGeocoder, StreetTableGeocoder
from app.delivery.services import suggest_addresses
from tests.delivery.fake_ban import ban_app, fake_ban  # noqa: F401


def test_the_demo_street_table_suggests_an_address_with_its_coordinates(app):
    [first, *_others] = suggest_addresses(geocoder(), "12 rue des tables")

    assert first.label == "12 rue des Tables, 43000 Le Puy-en-Velay"
    assert (first.postcode, first.city) == ("43000", "Le Puy-en-Velay")
    assert first.lat == pytest.approx(45.045, abs=0.001)
    assert first.lon == pytest.approx(3.882, abs=0.001)


def test_the_street_table_matches_without_accents_or_full_words(app):
    labels = [a.label for a in suggest_addresses(geocoder(), "5 Rue raphael")]

    assert labels == ["5 rue Raphaël, 43000 Le Puy-en-Velay"]
    assert [a.city for a in suggest_addresses(geocoder(), "av vals")] == ["Vals-près-le-Puy"]


def test_a_house_number_outside_the_street_range_is_not_suggested(app):
    assert suggest_addresses(geocoder(), "999 rue des Tables") == []


def test_a_street_table_from_a_csv_reads_optional_number_ranges(tmp_path):
    table = tmp_path / "streets.csv"
    table.write_text("street,postcode,city,lat,lon,first_number,last_number\n"
                     "place du Marché,01000,Bourg,46.2,5.22,,\n", encoding="utf-8")

    [found] = StreetTableGeocoder.from_csv(table).suggest("40 place du marche")

    assert (found.label, found.lat, found.lon) == ("40 place du Marché, 01000 Bourg", 46.2, 5.22)


def test_ban_suggestions_come_from_the_national_address_base(ban_app, fake_ban):
    suggestions = suggest_addresses(geocoder(), "12 rue des tables")

    assert [a.postcode for a in suggestions] == ["43000", "43750"]
    assert suggestions[0].label == "12 Rue des Tables 43000 Le Puy-en-Velay"
    assert (suggestions[0].lat, suggestions[0].lon) == (45.04502, 3.88237)
    assert fake_ban.queries == [{"q": "12 rue des tables", "limit": "5"}]


@pytest.mark.parametrize("fault", ["500", "garbled", "slow"])
def test_a_failing_address_base_says_try_again_or_choose_pickup(ban_app, fake_ban, fault):
    fake_ban.fault = fault

    with pytest.raises(DeliveryUnavailable) as refused:
        suggest_addresses(geocoder(), "12 rue des tables")

    assert (refused.value.field, refused.value.code) == ("address", "geocoder_unavailable")
    assert "réessayez" in refused.value.message and "retrait" in refused.value.message


def test_an_unreachable_address_base_is_refused_the_same_way(app):
    unreachable = BanGeocoder(api_base="http://127.0.0.1:9", timeout_seconds=0.5)

    with pytest.raises(DeliveryUnavailable):
        suggest_addresses(unreachable, "12 rue des tables")


def test_a_query_too_short_for_the_address_base_is_not_sent(ban_app, fake_ban):
    assert suggest_addresses(geocoder(), "12") == []
    assert fake_ban.queries == []
