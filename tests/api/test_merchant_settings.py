"""A till changes the shop's hours, closures and pickup settings; the slots offered follow."""
from tests.api.conftest import error_of

WEEK = {day: [] for day in ("monday", "tuesday", "wednesday", "thursday", "friday",
                            "saturday", "sunday")}


def slot_times(client, shop, day="2026-11-25"):
    answer = client.get(f"/api/v1/shops/{shop.slug}/slots", query_string={"date": day})
    return [slot["start"][11:16] for slot in answer.get_json()]


def test_hours_read_and_replaced_with_a_lunch_break(client, shop, auth):
    assert client.get("/api/v1/merchant/shop/hours", headers=auth).json["wednesday"] == [
        {"opens": "09:00", "closes": "19:00"}]

    week = {**WEEK, "wednesday": [{"opens": "08:00", "closes": "12:00"},
                                  {"opens": "15:00", "closes": "16:00"}]}
    answer = client.put("/api/v1/merchant/shop/hours", json=week, headers=auth)

    assert answer.status_code == 200
    assert answer.json == week
    times = slot_times(client, shop)
    assert times[0] == "08:00" and times[-1] == "15:45" and "12:00" not in times


def test_overlapping_hours_are_refused_on_their_field(client, shop, auth):
    week = {**WEEK, "friday": [{"opens": "08:00", "closes": "12:00"},
                               {"opens": "11:00", "closes": "16:00"}]}
    answer = client.put("/api/v1/merchant/shop/hours", json=week, headers=auth)
    assert error_of(answer) == (422, "overlapping_periods", "friday[1].opens")
    assert client.get("/api/v1/merchant/shop/hours", headers=auth).json["friday"] == [
        {"opens": "09:00", "closes": "19:00"}]


def test_closure_added_listed_and_withdrawn(client, shop, auth):
    added = client.post("/api/v1/merchant/shop/closures", headers=auth,
                        json={"start_date": "2026-11-25", "reason": "Inventaire"})
    assert added.status_code == 201
    assert added.json["end_date"] == "2026-11-25"
    assert slot_times(client, shop) == []
    assert [c["id"] for c in client.get("/api/v1/merchant/shop/closures",
                                        headers=auth).json] == [added.json["id"]]

    removed = client.delete(f"/api/v1/merchant/shop/closures/{added.json['id']}",
                            headers=auth)
    assert removed.status_code == 204
    assert slot_times(client, shop)


def test_a_closure_in_the_past_is_refused(client, shop, auth):
    answer = client.post("/api/v1/merchant/shop/closures", headers=auth,
                         json={"start_date": "2026-11-20", "end_date": "2026-11-30"})
    assert error_of(answer) == (422, "in_the_past", "start_date")


def test_pickup_settings_patched_and_bounded(client, shop, auth):
    answer = client.patch("/api/v1/merchant/shop/pickup", headers=auth,
                          json={"slot_minutes": 60, "seats_per_slot": 2})
    assert answer.status_code == 200
    assert answer.json["slot_minutes"] == 60 and answer.json["seats_per_slot"] == 2
    assert slot_times(client, shop)[:2] == ["09:00", "10:00"]

    refused = client.patch("/api/v1/merchant/shop/pickup", headers=auth,
                           json={"seats_per_slot": 3, "hold_minutes": 500})
    assert error_of(refused) == (422, "out_of_range", "hold_minutes")
    assert shop.seats_per_slot == 2


def test_settings_need_a_merchant_token(client, shop):
    assert client.get("/api/v1/merchant/shop/hours").status_code == 401
