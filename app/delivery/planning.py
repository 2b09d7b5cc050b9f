"""Rounds: a window's delivery requests turned into one tour per courier on duty, with
pyvroom (VROOM) on a straight-line matrix — no road router needed, as CoopCycle does when
it has none: haversine distance x a detour factor, at a courier's speed.

A request is collected at each of its shops (from the time its order is ready, while the
shop is open) and dropped once, whole, at the door within the window; a vehicle never
carries more bags than it holds. Replanning keeps what was done: a round already started
(a stop done) is left as it is, its requests with it; only the other requests are planned
again, on the couriers whose round has not started."""
import logging
import secrets
import time as timer
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import vroom
from flask import current_app
from flask_babel import gettext as _

from app.database import for_update, unit_of_work
from app.delivery.geocoding import GeocoderUnavailable
from app.delivery.messages import tell_planned
from app.delivery.models import (REQUEST_DELIVERED, REQUEST_FAILED, REQUEST_HELD,
                                 REQUEST_PLANNED, ROUND_PLANNED, ROUND_STARTED, STOP_DELIVERY,
                                 STOP_DONE, STOP_PICKUP, Courier, DeliveryEvent, DeliveryPickup,
                                 DeliveryRequest, DeliveryWindow, Round, Stop)
from app.delivery.services import (depot, haversine_m, ready_at, town_moment,
                                    window_bounds)
from app.delivery.transitions import SYSTEM, move_request, move_round, move_stop
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.phone import normalize_phone
from app.shops.models import Shop

log = logging.getLogger("comptoir.delivery")

PICKUP_LEAD = timedelta(hours=2)  # couriers start collecting this long before the window
SERVICE_SECONDS = {STOP_PICKUP: 120, STOP_DELIVERY: 180}  # time spent at a stop
EXPLORATION_LEVEL = 5  # VROOM's search depth (0-5): a few hundred ms for a town's window


def create_courier(*, name: str, phone: str, capacity: int) -> Courier:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Le nom est obligatoire."), field="name")
    number = normalize_phone(phone, field="phone") if (phone or "").strip() else ""
    if not 1 <= capacity <= 200:
        raise Invalid(_("Entre 1 et 200."), field="capacity")
    with unit_of_work():
        courier = Courier(name=name[:80], phone=number, capacity=capacity)
        db.session.add(courier)
    return courier


def active_couriers() -> list[Courier]:
    return list(db.session.scalars(sa.select(Courier).where(Courier.active)
                                   .order_by(Courier.id)))


# ---- The solver, on plain values (bench/rounds.py calls it too) -------------------------

@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Task:
    """One request: collect at each of its shops (shop id, where) from `pickup_from` until
    `pickup_until`, then drop at the door in [drop_from, drop_until]; seconds from the
    plan's origin."""
    request: int
    pickups: tuple  # ((shop id, Point), ...)
    drop: Point
    pickup_from: int
    pickup_until: int
    drop_from: int
    drop_until: int
    parcels: int = 1  # per shop: each shop's order is a bag


@dataclass(frozen=True)
class PlannedStop:
    kind: str
    request: int
    shop: int | None  # the shop of a pickup
    arrival: int      # seconds from the origin


@dataclass(frozen=True)
class Plan:
    routes: dict[int, list[PlannedStop]]  # vehicle id -> its stops in order
    unassigned: list[int]  # requests no vehicle could take in time
    seconds: float  # time the solver took
    distances_m: dict[int, float]  # vehicle id -> the route's length (with the detour factor)


def _metres(a: Point, b: Point, detour: float) -> float:
    return haversine_m(a.lat, a.lon, b.lat, b.lon) * detour


def _collection_order(task: Task, detour: float) -> tuple:
    """The shops of a request in the order that makes the shortest way to its door (a
    basket has a few shops: every order is tried)."""
    from itertools import permutations
    if len(task.pickups) == 1:
        return task.pickups

    def length(order):
        points = [p for _shop, p in order] + [task.drop]
        return sum(_metres(a, b, detour) for a, b in zip(points, points[1:]))
    return min(permutations(task.pickups), key=length)


def solve(tasks: list[Task], vehicles: list[tuple[int, int]], base: Point, *,
          horizon: tuple[int, int], detour: float, kmh: float) -> Plan:
    """Rounds for `vehicles` ((id, capacity), starting and ending at `base`) within
    `horizon` (seconds from the origin).

    VROOM's shipments have one pickup and one delivery; a basket from several shops has
    several pickups and must reach its door once, whole, in one vehicle. So a request is
    one shipment whose pickup is its collection — its shops in their best order: the
    matrix reaches it at its first shop and leaves it from its last, the way between them
    counted as service time — and whose amount is all its bags."""
    speed = kmh * 1000 / 3600
    orders = [_collection_order(task, detour) for task in tasks]
    # Matrix nodes: 0 the base; then per task its collection and its door.
    arrive_at, leave_from = [base], [base]
    inner_metres, inner_seconds = [], []
    for task, order in zip(tasks, orders):
        shops = [p for _shop, p in order]
        arrive_at += [shops[0], task.drop]
        leave_from += [shops[-1], task.drop]
        inner = [_metres(a, b, detour) for a, b in zip(shops, shops[1:])]
        inner_metres.append(inner)
        inner_seconds.append([round(m / speed) + SERVICE_SECONDS[STOP_PICKUP] for m in inner])
    size = len(arrive_at)
    durations = [[0 if i == j else round(_metres(leave_from[i], arrive_at[j], detour) / speed)
                  for j in range(size)] for i in range(size)]
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=durations)
    for vehicle_id, capacity in vehicles:
        problem.add_vehicle(vroom.Vehicle(vehicle_id, start=0, end=0, capacity=[capacity],
                                          time_window=vroom.TimeWindow(*horizon)))
    for i, task in enumerate(tasks):
        collect, door = 2 * i + 1, 2 * i + 2
        spent = sum(inner_seconds[i])
        # The last shop must still be open when reached: the collection starts early enough.
        until = max(task.pickup_from, task.pickup_until - spent)
        problem.add_shipment(
            vroom.ShipmentStep(collect, location=collect,
                               default_service=SERVICE_SECONDS[STOP_PICKUP] + spent,
                               time_windows=[vroom.TimeWindow(task.pickup_from, until)]),
            vroom.ShipmentStep(door, location=door,
                               default_service=SERVICE_SECONDS[STOP_DELIVERY],
                               time_windows=[vroom.TimeWindow(task.drop_from, task.drop_until)]),
            amount=vroom.Amount([task.parcels * len(task.pickups)]))
    started = timer.perf_counter()
    solution = problem.solve(exploration_level=EXPLORATION_LEVEL, nb_threads=1)
    took = timer.perf_counter() - started

    routes: dict[int, list[PlannedStop]] = {vehicle_id: [] for vehicle_id, _c in vehicles}
    distances_m = {vehicle_id: 0.0 for vehicle_id, _c in vehicles}
    placed = set()
    for route in solution.to_dict()["routes"]:
        vehicle_id, previous = int(route["vehicle"]), base
        for step in route["steps"]:
            node = int(step["location_index"])
            # A courier early at a door waits for the window: the stop is then.
            at = int(step["arrival"]) + int(step.get("waiting_time", 0))
            distances_m[vehicle_id] += _metres(previous, arrive_at[node], detour)
            previous = leave_from[node]
            if step["type"] == "pickup":
                i = (node - 1) // 2
                task = tasks[i]
                placed.add(task.request)
                distances_m[vehicle_id] += sum(inner_metres[i])
                for k, (shop_id, _point) in enumerate(orders[i]):
                    routes[vehicle_id].append(
                        PlannedStop(STOP_PICKUP, task.request, shop_id,
                                    at + sum(inner_seconds[i][:k])))
            elif step["type"] == "delivery":
                routes[vehicle_id].append(
                    PlannedStop(STOP_DELIVERY, tasks[(node - 1) // 2].request, None, at))
    return Plan(routes, [t.request for t in tasks if t.request not in placed], took,
                distances_m)


# ---- Rounds from the database ---------------------------------------------------------

@dataclass(frozen=True)
class PlanResult:
    rounds: list[Round]
    unassigned: list[int]  # request ids no courier could take in time
    seconds: float


def _point(obj) -> Point:
    return Point(obj.lat, obj.lon)


def locate_shops(day: date, window_id: int) -> dict[int, Point]:
    """Where the shops of a window's requests are: their address through the town's
    geocoder (the depot when it cannot tell). Read, then asked with no transaction open:
    the geocoder may be an outside service."""
    from app import geocoder
    with unit_of_work(write=False):
        shops = list(db.session.execute(
            sa.select(Shop.id, Shop.slug, Shop.address).distinct()
            .join(DeliveryPickup, DeliveryPickup.shop_id == Shop.id)
            .join(DeliveryRequest, DeliveryRequest.id == DeliveryPickup.request_id)
            .where(DeliveryRequest.day == day, DeliveryRequest.window_id == window_id)))
    found = {}
    for shop_id, slug, address in shops:
        suggestions = []
        # The whole address, then its first part ("Halles couvertes, stand 4, …").
        for text in dict.fromkeys([address, address.split(",")[0]]) if address else ():
            try:
                suggestions = geocoder().suggest(text)
            except GeocoderUnavailable:
                suggestions = []
            if suggestions:
                break
        if not suggestions:
            log.warning("shop %s not located from its address: the depot stands for it", slug)
        found[shop_id] = _point(suggestions[0]) if suggestions else Point(*depot())
    return found


def _closing(shop: Shop, day: date) -> datetime:
    """When the shop closes that day (its last closing): no collection after."""
    closes = [h.closes for h in shop.hours if h.weekday == day.weekday()]
    return town_moment(day, max(closes)) if closes else town_moment(day, time())


@dataclass(frozen=True)
class _Situation:
    """What a plan is made from, read in one snapshot."""
    kept: list[int]  # rounds left as they are (a stop done)
    requests: list[int]  # the requests to plan
    tasks: list[Task]
    free: list[tuple[int, int]]  # (courier id, capacity) of couriers without a kept round

    @property
    def signature(self) -> tuple:
        return tuple(self.kept), tuple(self.requests)


MAX_PLAN_TRIES = 3  # the window changed while the solver ran: read and solve again


def _situation(day: date, window: DeliveryWindow, couriers: list[tuple[int, int]],
               now: datetime, shop_points: dict[int, Point]) -> _Situation:
    start, end = window_bounds(window, day)
    origin = start - PICKUP_LEAD
    rounds = list(db.session.scalars(sa.select(Round).where(
        Round.day == day, Round.window_id == window.id).order_by(Round.id)))
    kept = [r for r in rounds if r.status == ROUND_STARTED
            or any(s.status == STOP_DONE for s in r.stops)]
    kept_requests = {s.request_id for r in kept for s in r.stops}
    requests = [r for r in db.session.scalars(sa.select(DeliveryRequest).where(
        DeliveryRequest.day == day, DeliveryRequest.window_id == window.id,
        DeliveryRequest.status.in_((REQUEST_HELD, REQUEST_PLANNED)))
        .order_by(DeliveryRequest.id)) if r.id not in kept_requests]
    shop_ids = {p.shop_id for r in requests for p in r.shops}
    shops = {shop.id: shop for shop in db.session.scalars(
        sa.select(Shop).where(Shop.id.in_(shop_ids)))}

    def seconds(at: datetime) -> int:
        return max(0, int((at - origin).total_seconds()))

    tasks = []
    for request in requests:
        readies = [ready_at(shops[p.shop_id], day, now) or start for p in request.shops]
        tasks.append(Task(
            request.id,
            tuple((p.shop_id, shop_points.get(p.shop_id) or Point(*depot()))
                  for p in request.shops),
            _point(request), seconds(max([origin, *readies])),
            seconds(min([end, *(_closing(shops[p.shop_id], day) for p in request.shops)])),
            seconds(start), seconds(end), request.parcels))
    busy = {r.courier_id for r in kept}
    return _Situation([r.id for r in kept], [r.id for r in requests], tasks,
                      [(c_id, capacity) for c_id, capacity in couriers if c_id not in busy])


def plan_rounds(day: date, window_id: int, couriers: list[Courier], now: datetime, *,
                shop_points: dict[int, Point] | None = None) -> PlanResult:
    """The window's rounds on `day` for `couriers`, replanned as a whole except for rounds
    already started (kept as they are). Requests nobody can take in time stay held and
    are listed.

    The solver runs with no transaction open (on SQLite a write lock would stop every
    checkout meanwhile): the window is read, solved, then written under a lock on its row
    only if nothing changed in between; otherwise read and solved again."""
    courier_ids = [(c.id, c.capacity) for c in couriers]
    if not courier_ids:
        raise Invalid(_("Aucun livreur en service."), field="couriers")
    if shop_points is None:
        shop_points = locate_shops(day, window_id)
    config = current_app.config
    for _try in range(MAX_PLAN_TRIES):
        with unit_of_work(write=False):
            window = db.session.get(DeliveryWindow, window_id)
            if window is None:
                raise NotFound(_("Créneau inconnu."), field="window")
            start, end = window_bounds(window, day)
            origin = start - PICKUP_LEAD
            seen = _situation(day, window, courier_ids, now, shop_points)
        horizon = (0, int((end - origin).total_seconds()) + 3600)
        plan = solve(seen.tasks, seen.free, Point(*depot()), horizon=horizon,
                     detour=config["DETOUR_FACTOR"], kmh=config["COURIER_KMH"]) \
            if seen.tasks and seen.free else Plan({}, [t.request for t in seen.tasks], 0.0, {})
        with unit_of_work():
            # Two planners at once (a double click, the command beside the button) take
            # turns on the window's row; a plan made from what has changed since is redone.
            db.session.execute(for_update(sa.select(DeliveryWindow.id)
                                          .where(DeliveryWindow.id == window_id)))
            # Then its rounds (window, then rounds: the lock order of every planner): a
            # courier's first action, committing meanwhile, makes its round one to keep
            # before this plan can delete it.
            db.session.execute(for_update(sa.select(Round.id).where(
                Round.day == day, Round.window_id == window_id)))
            window = db.session.get(DeliveryWindow, window_id)
            if _situation(day, window, courier_ids, now, shop_points).signature \
                    != seen.signature:
                continue
            return _write_plan(day, window_id, seen, plan, origin, now)
    raise Conflict(_("Les livraisons de ce créneau changent sans cesse : replanifiez dans "
                     "un instant."), field="window", code="plan_changed")


def _write_plan(day, window_id, seen: _Situation, plan: Plan, origin: datetime,
                now: datetime) -> PlanResult:
    """Inside the planner's unit: the rounds not kept give way to the plan's. A courier's
    new round keeps the token of the one it replaces: the link they were sent still works."""
    tokens = {}
    for old in db.session.scalars(sa.select(Round).where(
            Round.day == day, Round.window_id == window_id, Round.id.not_in(seen.kept))):
        tokens[old.courier_id] = old.token
        db.session.delete(old)
    db.session.flush()
    new_rounds = []
    for courier_id, steps in plan.routes.items():
        if not steps:
            continue
        round_ = Round(day=day, window_id=window_id, courier_id=courier_id,
                       status=ROUND_PLANNED, planned_at=now,
                       token=tokens.get(courier_id) or new_round_token(),
                       distance_m=round(plan.distances_m.get(courier_id, 0)))
        round_.stops = [Stop(position=i + 1, kind=s.kind, request_id=s.request, shop_id=s.shop,
                             expected_at=origin + timedelta(seconds=s.arrival))
                        for i, s in enumerate(steps)]
        db.session.add(round_)
        new_rounds.append(round_)
    db.session.flush()
    dropped = set(plan.unassigned)
    doors = {s.request_id: s for r in new_rounds for s in r.stops if s.kind == STOP_DELIVERY}
    for request in db.session.scalars(sa.select(DeliveryRequest)
                                      .where(DeliveryRequest.id.in_(seen.requests))):
        wanted = REQUEST_HELD if request.id in dropped else REQUEST_PLANNED
        door = doors.get(request.id)
        if request.status != wanted:
            move_request(request, wanted, actor=SYSTEM, now=now,
                         round_id=door.round_id if door else None,
                         stop_id=door.id if door else None)
        if door is not None:
            tell_planned(request, door.expected_at, now)
    kept = list(db.session.scalars(sa.select(Round).where(Round.id.in_(seen.kept))))
    return PlanResult(sorted(kept + new_rounds, key=lambda r: r.courier_id), sorted(dropped),
                      plan.seconds)


def new_round_token() -> str:
    return secrets.token_urlsafe(24)


def mark_stop_done(stop_id: int, now: datetime) -> Stop:
    """A stop done, by the planner's side (the courier's page goes through
    app/delivery/courier.py): its round has started, and replanning keeps it as it is."""
    with unit_of_work():
        stop = db.session.get(Stop, stop_id)
        if stop is None:
            raise NotFound(_("Arrêt inconnu."), field="stop")
        move_stop(stop, STOP_DONE, actor=SYSTEM, now=now)
        round_ = db.session.get(Round, stop.round_id)
        if round_.status == ROUND_PLANNED:
            move_round(round_, ROUND_STARTED, actor=SYSTEM, now=now)
    return stop


def plan_day(day: date, now: datetime, *, window_id: int | None = None) -> list:
    """Every active window of `day` (or the one given) planned for the active couriers:
    [(window, PlanResult)], the manager's button and `flask delivery plan` alike."""
    from app.delivery.services import all_windows
    windows = [w for w in all_windows() if w.active and str(day.weekday()) in w.weekdays
               and (window_id is None or w.id == window_id)]
    couriers = active_couriers()
    return [(window, plan_rounds(day, window.id, couriers, now)) for window in windows]


@dataclass(frozen=True)
class StopView:
    position: int
    kind: str
    expected_at: datetime
    done: bool
    where: str  # the shop's name, or the address at the door
    request_id: int
    outcome: str = ""  # at a done door: "code", "photo" or the failure's reason code
    proof: str | None = None  # the proof photo's file name, when one was taken


@dataclass(frozen=True)
class RoundView:
    id: int
    window: DeliveryWindow
    courier: str
    status: str
    distance_m: int
    stops: list[StopView]
    token: str = ""
    courier_phone: str = ""


def rounds_of(day: date) -> list[RoundView]:
    """The day's rounds as the manager reads them, window by window."""
    rounds = db.session.scalars(sa.select(Round).where(Round.day == day)
                                .order_by(Round.window_id, Round.courier_id)).all()
    if not rounds:
        return []
    windows = {w.id: w for w in db.session.scalars(sa.select(DeliveryWindow))}
    ids = {s.request_id for r in rounds for s in r.stops}
    labels = dict(db.session.execute(sa.select(DeliveryRequest.id, DeliveryRequest.label)
                                     .where(DeliveryRequest.id.in_(ids))).all())
    shop_names = dict(db.session.execute(sa.select(Shop.id, Shop.name)).all())
    outcomes = _door_outcomes([s.id for r in rounds for s in r.stops if s.kind != STOP_PICKUP])

    def view(s: Stop) -> StopView:
        where = shop_names.get(s.shop_id, "") if s.kind == STOP_PICKUP else labels[s.request_id]
        return StopView(s.position, s.kind, s.expected_at, s.status == STOP_DONE, where,
                        s.request_id, *outcomes.get(s.id, ("", None)))

    return [RoundView(r.id, windows[r.window_id], r.courier.name, r.status, r.distance_m,
                      [view(s) for s in r.stops], r.token, r.courier.phone)
            for r in rounds]


def _door_outcomes(stop_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """How each door ended, from its delivery event: handed over with the code or a photo
    (and the photo's name), or failed and why. The manager reads it when a shopper asks."""
    if not stop_ids:
        return {}
    rows = db.session.execute(
        sa.select(DeliveryEvent.stop_id, DeliveryEvent.code, DeliveryEvent.params)
        .where(DeliveryEvent.stop_id.in_(stop_ids),
               DeliveryEvent.code.in_((f"request:{REQUEST_DELIVERED}",
                                       f"request:{REQUEST_FAILED}")))
        .order_by(DeliveryEvent.id))
    outcomes = {}
    for stop_id, code, params in rows:
        params = params or {}
        if code == f"request:{REQUEST_FAILED}":
            outcomes[stop_id] = (params.get("reason") or "other", None)
        else:
            outcomes[stop_id] = (params.get("proof") or "code", params.get("photo"))
    return outcomes
