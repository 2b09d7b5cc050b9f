"""Delivery rounds: the planner (app/delivery/planning.py, pyvroom) against a
nearest-neighbour dispatch of the same stops.

    python bench/rounds.py [--seed 14] [--runs 5]

A town of 8 shops within 600 m of the depot and 60 doors within 2.5 km, in two windows
(17:00-19:00 and 19:00-21:00, 30 drops each; shops close at 19:00, so the second window's
baskets are all collected, and on board, before), 3 couriers carrying 16 bags each, at
15 km/h on straight lines x 1.3. A basket comes from 1 shop (70 %), 2 (25 %) or 3 (5 %).

Prints, per window and in total: the planner's time, its distance, the baseline's
distance, their ratio (< 1: the planner drives less), and whether every drop is in its
window and every basket planned. The baseline: each courier in turn (the earliest free)
drives to the nearest stop it may make (a shop of a basket not yet taken, room allowing;
or the door of a basket it has fully collected) — the same stops, the same capacities,
no look-ahead, windows ignored (it is the distance yardstick, not a planner).
"""
import argparse
import math
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.delivery.planning import (SERVICE_SECONDS, STOP_DELIVERY, STOP_PICKUP,  # noqa: E402
                                   Point, Task, solve)
from app.delivery.services import haversine_m  # noqa: E402

DEPOT = Point(45.0421, 3.8845)
SHOPS, DROPS, COURIERS, CAPACITY = 8, 60, 3, 16
KMH, DETOUR = 15.0, 1.3
LEAD = 2 * 3600  # couriers may collect from 2 hours before the window (the plan's origin)
WINDOWS = [("17:00-19:00", 0), ("19:00-21:00", 2 * 3600)]  # start, seconds after 17:00
SHOPS_CLOSE = LEAD + 2 * 3600  # 19:00, seconds from 15:00


def around(rng, centre: Point, metres: float) -> Point:
    distance, bearing = metres * math.sqrt(rng.random()), rng.random() * 2 * math.pi
    dlat = distance * math.cos(bearing) / 111_320
    dlon = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(centre.lat)))
    return Point(centre.lat + dlat, centre.lon + dlon)


def town(seed: int):
    rng = random.Random(seed)
    shops = [around(rng, DEPOT, 600) for _ in range(SHOPS)]
    baskets = []
    for i in range(DROPS):
        count = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
        baskets.append((i + 1, rng.sample(range(SHOPS), count), around(rng, DEPOT, 2500)))
    return shops, baskets


def tasks_of(shops, baskets, window_offset: int) -> list[Task]:
    start = LEAD + window_offset
    return [Task(request, tuple((s, shops[s]) for s in shop_ids), door,
                 0, min(SHOPS_CLOSE, start + 2 * 3600), start, start + 2 * 3600)
            for request, shop_ids, door in baskets]


def metres(a: Point, b: Point) -> float:
    return haversine_m(a.lat, a.lon, b.lat, b.lon) * DETOUR


def nearest_neighbour(tasks: list[Task]) -> float:
    """The baseline's total distance (metres)."""
    speed = KMH * 1000 / 3600
    couriers = [{"at": DEPOT, "clock": 0.0, "load": {}, "metres": 0.0} for _ in range(COURIERS)]
    waiting = {(t.request, shop): point for t in tasks for shop, point in t.pickups}
    parts = {t.request: len(t.pickups) for t in tasks}
    doors = {t.request: t.drop for t in tasks}
    owner: dict[int, int] = {}
    delivered = 0
    while delivered < len(tasks):
        c = min(range(COURIERS), key=lambda i: couriers[i]["clock"])
        courier = couriers[c]
        room = CAPACITY - sum(courier["load"].values())
        options = [(point, STOP_PICKUP, key) for key, point in waiting.items()
                   if owner.get(key[0], c) == c
                   and (key[0] in owner or room >= parts[key[0]])]
        options += [(doors[r], STOP_DELIVERY, (r, None)) for r, n in courier["load"].items()
                    if n == parts[r]]
        if not options:  # nothing this courier may do: let the others move
            courier["clock"] = math.inf
            if all(k["clock"] == math.inf for k in couriers):
                raise RuntimeError("baseline stuck")
            continue
        point, kind, key = min(options, key=lambda o: metres(courier["at"], o[0]))
        leg = metres(courier["at"], point)
        courier["metres"] += leg
        courier["clock"] += leg / speed + SERVICE_SECONDS[kind]
        courier["at"] = point
        if kind == STOP_PICKUP:
            del waiting[key]
            owner[key[0]] = c
            courier["load"][key[0]] = courier["load"].get(key[0], 0) + 1
        else:
            del courier["load"][key[0]]
            delivered += 1
        for other in couriers:  # someone moved: those who had nothing to do look again
            if other["clock"] == math.inf:
                other["clock"] = courier["clock"]
    return sum(c["metres"] + metres(c["at"], DEPOT) for c in couriers)


def check_windows(plan, tasks) -> tuple[int, int]:
    """(drops outside their window, baskets left unplanned)."""
    by_request = {t.request: t for t in tasks}
    late = sum(1 for stops in plan.routes.values() for s in stops if s.kind == STOP_DELIVERY
               and not by_request[s.request].drop_from <= s.arrival
               <= by_request[s.request].drop_until)
    return late, len(plan.unassigned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--runs", type=int, default=5, help="plans per window, for the time")
    args = parser.parse_args()
    shops, baskets = town(args.seed)
    halves = [baskets[:DROPS // 2], baskets[DROPS // 2:]]
    vehicles = [(i + 1, CAPACITY) for i in range(COURIERS)]
    print(f"{DROPS} drops from {SHOPS} shops, {COURIERS} couriers x {CAPACITY} bags, "
          f"{KMH:g} km/h, detour x{DETOUR}, seed {args.seed}")
    totals = {"planner": 0.0, "baseline": 0.0, "seconds": 0.0, "late": 0, "unplanned": 0}
    for (label, offset), half in zip(WINDOWS, halves):
        tasks = tasks_of(shops, half, offset)
        times, plan = [], None
        for _run in range(args.runs):
            plan = solve(tasks, vehicles, DEPOT, horizon=(0, LEAD + offset + 3 * 3600),
                         detour=DETOUR, kmh=KMH)
            times.append(plan.seconds)
        planner = sum(plan.distances_m.values())
        baseline = nearest_neighbour(tasks)
        late, unplanned = check_windows(plan, tasks)
        used = sum(1 for stops in plan.routes.values() if stops)
        print(f"window {label}: {len(half)} drops, {used} couriers used, planning "
              f"{statistics.median(times) * 1000:.0f} ms (median of {args.runs}), "
              f"planner {planner / 1000:.1f} km, nearest-neighbour {baseline / 1000:.1f} km, "
              f"ratio {planner / baseline:.2f}, drops outside the window {late}, "
              f"unplanned {unplanned}")
        totals["planner"] += planner
        totals["baseline"] += baseline
        totals["seconds"] += statistics.median(times)
        totals["late"] += late
        totals["unplanned"] += unplanned
    print(f"total: planning {totals['seconds'] * 1000:.0f} ms, planner "
          f"{totals['planner'] / 1000:.1f} km vs nearest-neighbour "
          f"{totals['baseline'] / 1000:.1f} km, ratio "
          f"{totals['planner'] / totals['baseline']:.2f}; every window respected: "
          f"{'yes' if totals['late'] == 0 and totals['unplanned'] == 0 else 'NO'}")


if __name__ == "__main__":
    main()
