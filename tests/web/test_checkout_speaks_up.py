"""The checkout that speaks up (issue 15, items 2 and 5): a refused form opens on a summary
of what is wrong, focused, each error a link to its field, what was typed kept; the slot
picker goes by day (today, tomorrow, then the weekday), morning and afternoon apart, times
written one way; the one-trip choice offered only when it changes something."""
import re

from tests.web.helpers import (add_to_cart, checkout_form, page, radio_values, shopper_town,
                               text)


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary"
    return match[0]


def _days(html: str, shop) -> list[tuple[str, bool]]:
    """The shop's day strip: (what a day's tab says, is it the day shown)."""
    picker = re.search(rf'<fieldset [^>]*id="slot_{shop.id}".*?</fieldset>', html, re.S)[0]
    return [(text(label), "checked" in radio) for radio, label in re.findall(
        r'<label class="day-tab">(<input type="radio" class="day-radio[^>]*>)(.*?)</label>',
        picker, re.S)]


def test_a_refused_checkout_opens_on_a_focused_summary_linking_each_field(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 2)
    add_to_cart(client, town.bread, 1)
    data = checkout_form(client, [town.deli, town.bakery], name="", phone="abc",
                         email="claire-chez-elle")
    del data[f"slot_{town.deli.id}"]

    response = client.post("/commande", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = _summary(html)
    # first in the page's content, announced and focused when the page loads
    assert html.index('class="error-summary"') < html.index("<h1>")
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    links = re.findall(r'<a href="#([^"]+)"[^>]*>(.*?)</a>', summary)
    assert [(target, text(said)) for target, said in links] == [
        (f"slot_{town.deli.id}", "Créneau de retrait chez Charcuterie Vidal : Choisissez un "
                                 "créneau de retrait."),
        ("name", "Votre nom : Indiquez votre nom."),
        ("phone", "Téléphone mobile : Numéro de téléphone invalide (ex. 06 12 34 56 78)."),
    ]
    # each link reaches its field: an element of that id, which can take the focus
    assert f'<fieldset class="slot-picker has-error" id="slot_{town.deli.id}" tabindex="-1"' \
        in html
    assert re.search(r'<input[^>]*id="name"', html) and re.search(r'<input[^>]*id="phone"', html)
    # what was typed is kept, the other shop's slot too
    assert 'value="abc"' in html and 'value="claire-chez-elle"' in html
    bakery_slot = data[f"slot_{town.bakery.id}"]
    assert f'value="{bakery_slot}" checked' in html


def test_a_service_refusal_goes_into_the_summary_with_a_link_to_its_field(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)

    response = client.post("/commande", data=checkout_form(client, [town.deli],
                                                           email="claire-chez-elle"))

    links = re.findall(r'<a href="#([^"]+)"', _summary(response.get_data(as_text=True)))
    assert links == ["email"]


def test_the_summary_reads_in_english_without_a_space_before_the_colon(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    client.set_cookie("lang", "en")
    data = checkout_form(client, [town.deli], name="")

    summary = text(_summary(client.post("/commande", data=data).get_data(as_text=True)))

    assert summary == "Your order has not been placed yet Your name: Enter your name."


def test_the_slots_go_by_day_then_morning_and_afternoon(client, clock):
    town = shopper_town()
    clock.set("2026-11-24T11:20:00+01:00")  # a Tuesday morning
    add_to_cart(client, town.pate, 1)

    html = page(client, "/commande")

    assert _days(html, town.deli) == [("Aujourd'hui 24 novembre", True),
                                      ("Demain 25 novembre", False),
                                      ("Jeudi 26 novembre", False)]
    seen = text(html)
    assert "Premier retrait aujourd'hui à 12:30." in seen  # the same 12:30 as on its chip
    assert re.search(r"Aujourd'hui 24 novembre Après-midi 12:30 12:45 .* 18:45 "
                     r"Demain 25 novembre Matin 09:00 09:15 .* 11:45 Après-midi 12:00", seen)
    # every time is written the one way: two digits for the hour
    assert not re.search(r"(?<![\d:])\d:\d\d", seen)


def test_the_day_shown_is_the_chosen_slots(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    data = checkout_form(client, [town.deli], name="")
    thursday = [slot for slot in radio_values(page(client, "/commande"), f"slot_{town.deli.id}")
                if slot.startswith("2026-11-26")][3]

    html = client.post("/commande", data={**data, f"slot_{town.deli.id}": thursday}) \
        .get_data(as_text=True)

    assert [shown for _, shown in _days(html, town.deli)] == [False, False, True]
    assert f'value="{thursday}" checked' in html


def test_the_day_strip_in_english(client, clock):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    client.set_cookie("lang", "en")

    html = page(client, "/commande")

    assert _days(html, town.deli) == [("Today 24 November", True),
                                      ("Tomorrow 25 November", False),
                                      ("Thursday 26 November", False)]
    assert "Morning 10:00 10:15" in text(html)


def test_the_one_trip_is_offered_only_when_it_changes_the_slots(client):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)
    add_to_cart(client, town.pate, 1)

    fresh = page(client, "/commande")  # each shop's earliest slot: already one trip

    assert re.search(r'<div data-testid="window-offer" hidden>', fresh)
    assert re.search(r'<p tabindex="-1" data-testid="window-already">Un seul passage : vos '
                     r'créneaux se suivent, mardi 24 novembre entre 10:00 et 10:15.</p>', fresh)

    later_slot = radio_values(fresh, f"slot_{town.bakery.id}")[5]
    data = checkout_form(client, [town.bakery, town.deli], name="")
    refused = client.post("/commande", data={**data, f"slot_{town.bakery.id}": later_slot}) \
        .get_data(as_text=True)

    assert re.search(r'<div data-testid="window-offer">', refused)
    assert re.search(r'data-testid="window-already" hidden>', refused)
    chosen = client.post("/commande", data={**data, f"slot_{town.bakery.id}": later_slot,
                                            "use_window": "1"}).get_data(as_text=True)
    assert re.search(r'<div data-testid="window-offer" hidden>', chosen)
    assert 'value="2026-11-24T10:00:00+01:00" checked' in chosen
