"""The shop's settings page: hours with a lunch break, closures, pickup settings, the
presentation; the next slots offered on the page follow each change; a bad value is said
on its field and nothing is written."""
import re

from tests.factories import make_merchant, make_shop
from tests.web.merchant_helpers import csrf_token, log_in, page, text

URL = "/marchand/reglages"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _bakery(client):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    make_merchant(bakery)
    log_in(client, "boulangerie@example.fr")
    return bakery


def _preview(html: str) -> list[str]:
    """The first day's slots offered, as the page lists them."""
    first_day = re.search(r'data-testid="preview-day">(.*?)</p>', html, re.S)[1]
    return re.findall(r'data-testid="preview-slot">([0-9:]+)<', first_day)


def _field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return match[1].strip() if match else None


def _hours(client, **typed):
    """The hours form as shown, with `typed` over it (monday_1_opens="14:00"), sent."""
    html = page(client, URL)
    form = re.search(r'data-testid="hours-form">.*?</form>', html, re.S)[0]
    data = {m[1]: m[2] for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                                            form)}
    for name in (f"{day}_{i}_{end}" for day in WEEKDAYS for i in (0, 1)
                 for end in ("opens", "closes")):
        data.setdefault(name, "")
    data.update(typed)
    data["csrf_token"] = csrf_token(html)
    return client.post(f"{URL}/horaires", data=data)


def test_a_lunch_break_shows_at_once_in_the_slots_offered(client, clock):
    _bakery(client)
    assert _preview(page(client, URL))[:1] == ["10:00"]  # 09:00 + an hour of preparation

    answer = _hours(client, tuesday_0_opens="10:30", tuesday_0_closes="12:00",
                    tuesday_1_opens="14:00", tuesday_1_closes="18:00")

    assert answer.status_code == 302
    html = page(client, URL)
    offered = _preview(html)
    assert offered[0] == "10:30"
    assert "11:45" in offered and "14:00" in offered and "12:00" not in offered
    assert 'value="14:00"' in html


def test_overlapping_periods_are_refused_on_their_field_and_nothing_changes(client, clock):
    shop = _bakery(client)

    answer = _hours(client, friday_0_opens="09:00", friday_0_closes="13:00",
                    friday_1_opens="12:30", friday_1_closes="18:00")

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert _field_error(html, "friday_1_opens")
    assert 'data-testid="error-summary"' in html
    assert [(h.opens.hour, h.closes.hour) for h in shop.hours if h.weekday == 4] == [(9, 19)]


def test_a_time_off_the_grid_is_refused_on_its_field(client):
    _bakery(client)
    answer = _hours(client, monday_0_closes="18:07")
    assert answer.status_code == 422
    assert _field_error(answer.get_data(as_text=True), "monday_0_closes")


def test_pickup_settings_change_the_slots_and_bad_ones_are_refused(client, clock):
    shop = _bakery(client)
    html = page(client, URL)
    base = {"csrf_token": csrf_token(html), "slot_minutes": "30", "seats_per_slot": "2",
            "prep_minutes": "0", "hold_minutes": "15", "reminder_minutes": "60",
            "no_show_minutes": "1440"}

    assert client.post(f"{URL}/retrait", data=base).status_code == 302
    assert _preview(page(client, URL))[:3] == ["09:00", "09:30", "10:00"]  # now: 09:00
    assert (shop.slot_minutes, shop.seats_per_slot) == (30, 2)

    refused = client.post(f"{URL}/retrait", data={**base, "seats_per_slot": "51",
                                                  "slot_minutes": "15"})
    assert refused.status_code == 422
    assert "Entre 1 et 50" in _field_error(text(refused), "seats_per_slot")
    assert (shop.slot_minutes, shop.seats_per_slot) == (30, 2)


def test_a_closure_empties_its_day_then_is_withdrawn(client, clock):
    shop = _bakery(client)
    token = csrf_token(page(client, URL))

    added = client.post(f"{URL}/fermetures", data={"csrf_token": token,
                                                   "start_date": "2026-11-24",
                                                   "reason": "<b>Inventaire</b>"})
    assert added.status_code == 302
    html = page(client, URL)
    assert "&lt;b&gt;Inventaire&lt;/b&gt;" in html  # typed text stays text
    assert not [s for s in shop.closures if s.start_date.day != 24]
    removed = client.post(f"{URL}/fermetures/{shop.closures[0].id}/retirer",
                          data={"csrf_token": token})
    assert removed.status_code == 302
    assert not page(client, URL).count('data-testid="closure"')


def test_a_closure_in_the_past_is_refused_on_its_field(client, clock):
    shop = _bakery(client)
    token = csrf_token(page(client, URL))
    answer = client.post(f"{URL}/fermetures", data={"csrf_token": token,
                                                    "start_date": "2026-11-20",
                                                    "end_date": "2026-11-30"})
    assert answer.status_code == 422
    assert _field_error(answer.get_data(as_text=True), "start_date")
    assert shop.closures == []


def test_the_presentation_is_saved(client):
    shop = _bakery(client)
    token = csrf_token(page(client, URL))
    client.post(f"{URL}/profil", data={"csrf_token": token, "kind": "",
                                       "description": "Pain au levain."})
    assert shop.description == "Pain au levain."
    answer = client.post(f"{URL}/profil", data={"csrf_token": token, "kind": "",
                                                "description": "x" * 2001})
    assert answer.status_code == 422
    assert shop.description == "Pain au levain."


def test_the_page_needs_a_merchant(client):
    assert client.get(URL).status_code == 302


def test_the_kind_and_the_holidays_the_shop_opens_on(client, clock):
    shop = _bakery(client)
    html = page(client, URL)
    assert "Noël (vendredi 25 décembre)" in html
    client.post(f"{URL}/profil", data={"csrf_token": csrf_token(html), "kind": "boulangerie",
                                       "description": "", "holidays_open": ["christmas_day",
                                                                            "easter_monday"]})
    assert shop.kind == "boulangerie"
    assert shop.holiday_openings == "easter_monday,christmas_day"
    html = page(client, URL)
    assert re.search(r'value="christmas_day"[^>]*checked|checked[^>]*value="christmas_day"',
                     html)
    refused = client.post(f"{URL}/profil", data={"csrf_token": csrf_token(html),
                                                  "kind": "garage", "description": ""})
    assert refused.status_code == 422
    assert shop.kind == "boulangerie"
