"""Rounds: a window's deliveries become one tour per courier, collecting at each shop and
dropping at each door within the window, never carrying more than the vehicle holds;
replanning leaves a started round as it is. `flask delivery plan` prints them."""
from datetime import date, time, timedelta

import pytest

from app import geocoder
from app.delivery.models import REQUEST_HELD, REQUEST_PLANNED, DeliveryRequest, Round
from app.delivery.planning import create_courier, mark_stop_done, plan_rounds
from app.delivery.services import hold_delivery, window_bounds
from app.extensions import db
from tests.delivery.helpers import evening_window, town_zone
from tests.factories import make_shop

TUESDAY = date(2026, 11, 24)
DOORS = ["4 rue Pannessac", "10 rue Raphaël", "20 avenue Charles de Gaulle", "7 rue de Vienne",
         "15 avenue Foch", "30 rue Jules Vallès", "2 boulevard Saint-Louis",
         "9 avenue de la Dentelle"]


@pytest.fixture
def town(app):
    town_zone(min_basket_cents=0, postcodes="43000,43750")
    window = evening_window(drops=20)
    bakery = make_shop("boulangerie", address="3 rue des Tables, 43000 Le Puy-en-Velay")
    cheese = make_shop("fromagerie", "Fromagerie du Plot",
                       address="12 place du Plot, 43000 Le Puy-en-Velay")
    return window, bakery, cheese


def deliver(door, shops, window, now):
    [address] = geocoder().suggest(door)[:1]
    return hold_delivery(address, shops, 3000, window.id, TUESDAY, now)


def walk(round_):
    """(parcels on board at most, {request: [stop kinds in order]}): a pickup loads the
    shop's part, the drop unloads the whole request."""
    on_board, most, seen = {}, 0, {}
    parcels = {r.id: r.parcels for r in db.session.query(DeliveryRequest)}
    for stop in round_.stops:
        seen.setdefault(stop.request_id, []).append(stop.kind)
        if stop.kind == "pickup":
            on_board[stop.request_id] = on_board.get(stop.request_id, 0) + \
                parcels[stop.request_id]
        else:
            on_board.pop(stop.request_id)
        most = max(most, sum(on_board.values()))
    return most, seen


def test_rounds_collect_at_the_shops_then_drop_within_the_window(town, clock):
    window, bakery, cheese = town
    requests = [deliver(door, [bakery, cheese] if i % 2 else [bakery], window, clock.now)
                for i, door in enumerate(DOORS)]
    couriers = [create_courier(name="Léa", phone="06 11 22 33 44", capacity=3),
                create_courier(name="Malik", phone="", capacity=3)]

    result = plan_rounds(TUESDAY, window.id, couriers, clock.now)

    assert result.unassigned == []
    start, end = window_bounds(window, TUESDAY)
    planned = {}
    for round_ in result.rounds:
        most, seen = walk(round_)
        assert most <= 3  # never more than the vehicle carries
        for request_id, kinds in seen.items():
            assert kinds[-1] == "delivery" and "delivery" not in kinds[:-1]
        planned.update(seen)
        for stop in round_.stops:
            if stop.kind == "delivery":
                assert start <= stop.expected_at <= end
        assert round_.distance_m > 0
    assert set(planned) == {r.id for r in requests}
    two_shops = next(r for r in requests if len(r.shops) == 2)
    assert planned[two_shops.id].count("pickup") == 2
    db.session.expire_all()
    assert {r.status for r in db.session.query(DeliveryRequest)} == {REQUEST_PLANNED}


def test_replanning_keeps_a_started_round_and_plans_the_newcomers_elsewhere(town, clock):
    window, bakery, cheese = town
    for door in DOORS[:4]:
        deliver(door, [bakery], window, clock.now)
    couriers = [create_courier(name="Léa", phone="", capacity=4),
                create_courier(name="Malik", phone="", capacity=4)]
    first = plan_rounds(TUESDAY, window.id, couriers, clock.now)
    started = first.rounds[0]
    kept = [(s.id, s.request_id, s.kind) for s in started.stops]
    mark_stop_done(started.stops[0].id, clock.now + timedelta(hours=7))
    newcomer = deliver(DOORS[5], [cheese], window, clock.now)

    again = plan_rounds(TUESDAY, window.id, couriers, clock.now)

    same = next(r for r in again.rounds if r.id == started.id)
    assert [(s.id, s.request_id, s.kind) for s in same.stops] == kept
    assert same.stops[0].status == "done"
    other = [r for r in again.rounds if r.id != started.id]
    assert newcomer.id in {s.request_id for r in other for s in r.stops}
    assert db.session.query(Round).count() == len(again.rounds)


def test_a_request_no_courier_can_take_in_time_stays_held_and_is_listed(town, clock):
    _window, bakery, _cheese = town
    window = evening_window(starts=time(17), ends=time(17, 20), drops=20)
    requests = [deliver(door, [bakery], window, clock.now) for door in DOORS]
    courier = create_courier(name="Léa", phone="", capacity=1)  # one basket per trip

    result = plan_rounds(TUESDAY, window.id, [courier], clock.now)

    assert result.unassigned  # 8 trips back and forth do not fit in 20 minutes
    db.session.expire_all()
    left = {r.id: r.status for r in db.session.query(DeliveryRequest)}
    assert all(left[i] == REQUEST_HELD for i in result.unassigned)
    planned = {s.request_id for r in result.rounds for s in r.stops}
    assert planned.isdisjoint(result.unassigned)
    assert len(planned) + len(result.unassigned) == len(requests)


def test_the_plan_command_prints_each_courier_round(town, clock, runner):
    window, bakery, cheese = town
    deliver(DOORS[0], [bakery, cheese], window, clock.now)
    create_courier(name="Léa", phone="", capacity=4)

    result = runner.invoke(args=["delivery", "plan", "--date", "2026-11-24"])

    assert result.exit_code == 0, result.output
    assert "Window 17:00-19:00 on 2026-11-24: 1 round(s)" in result.output
    assert "Léa: 3 stops" in result.output
    assert "4 rue Pannessac, 43000 Le Puy-en-Velay" in result.output


def test_the_plan_command_refuses_a_bad_date_on_its_option(runner):
    result = runner.invoke(args=["delivery", "plan", "--date", "24/11/2026"])

    assert result.exit_code == 1
    assert "[date]" in result.output


# ---- The manager's button ------------------------------------------------------------------

@pytest.fixture
def manager(client):
    from tests.factories import make_manager
    from tests.web.merchant_helpers import log_in
    make_manager()
    log_in(client, "manager@example.fr")


def test_the_manager_plans_the_day_and_reads_each_round(town, clock, client, manager):
    from tests.web.merchant_helpers import submit, text
    window, bakery, _cheese = town
    bakery.name = "<b>Boulangerie</b>"
    db.session.commit()
    deliver(DOORS[0], [bakery], window, clock.now)
    create_courier(name="Léa", phone="", capacity=4)

    response = submit(client, "/gestion/livraison", "/gestion/livraison/tournees",
                      {"date": "2026-11-24"}, follow_redirects=True)

    body = text(response)
    assert response.status_code == 200
    assert "Tournées planifiées." in body
    assert "17:00–19:00 · Léa" in body
    assert "livraison au 4 rue Pannessac, 43000 Le Puy-en-Velay" in body
    assert "&lt;b&gt;Boulangerie&lt;/b&gt;" in response.get_data(as_text=True)


def test_planning_without_a_courier_or_with_a_bad_date_says_why(town, clock, client, manager):
    from tests.web.merchant_helpers import submit, text
    window, bakery, _cheese = town
    deliver(DOORS[0], [bakery], window, clock.now)

    no_courier = submit(client, "/gestion/livraison", "/gestion/livraison/tournees",
                        {"date": "2026-11-24"})
    bad_date = submit(client, "/gestion/livraison", "/gestion/livraison/tournees",
                      {"date": "24/11"})

    assert no_courier.status_code == 422
    assert "Aucun livreur en service." in text(no_courier)
    assert bad_date.status_code == 422
    assert "AAAA-MM-JJ" in text(bad_date)
    assert db.session.query(Round).count() == 0


@pytest.mark.real_commits
def test_two_planners_at_once_take_turns_and_leave_one_set_of_rounds(app, clock):
    from tests.delivery.helpers import race
    town_zone(min_basket_cents=0)
    window = evening_window(drops=20)
    bakery = make_shop("boulangerie", address="3 rue des Tables, 43000 Le Puy-en-Velay")
    for door in DOORS[:4]:
        deliver(door, [bakery], window, clock.now)
    for name in ("Léa", "Malik"):
        create_courier(name=name, phone="", capacity=2)
    window_id = window.id
    db.session.commit()

    def attempt():
        from app.delivery.planning import active_couriers
        plan_rounds(TUESDAY, window_id, active_couriers(), clock.now)

    outcomes = race(app, [attempt] * 4)

    assert outcomes == ["ok"] * 4
    rounds = db.session.query(Round).all()
    assert len({r.courier_id for r in rounds}) == len(rounds)
    assert sorted(s.request_id for r in rounds for s in r.stops if s.kind == "delivery") == \
        sorted(r.id for r in db.session.query(DeliveryRequest))


def test_a_basket_held_while_the_solver_runs_is_planned_too(town, clock, monkeypatch):
    from app.delivery import planning
    window, bakery, _cheese = town
    deliver(DOORS[0], [bakery], window, clock.now)
    courier = create_courier(name="Léa", phone="", capacity=4)
    solved, real_solve, newcomer = [], planning.solve, []

    def solve_while_a_checkout_holds_a_drop(tasks, *args, **kwargs):
        solved.append(sorted(t.request for t in tasks))
        if not newcomer:  # a shopper's checkout commits while the solver runs
            newcomer.append(deliver(DOORS[1], [bakery], window, clock.now).id)
        return real_solve(tasks, *args, **kwargs)

    monkeypatch.setattr(planning, "solve", solve_while_a_checkout_holds_a_drop)

    result = plan_rounds(TUESDAY, window.id, [courier], clock.now)

    assert len(solved) == 2 and newcomer[0] in solved[1]
    [round_] = result.rounds
    assert newcomer[0] in {s.request_id for s in round_.stops}
