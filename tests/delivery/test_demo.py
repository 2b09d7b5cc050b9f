"""The demo town shows delivery at once: zones, windows, two couriers and its street table;
a basket from two of its shops gets windows at a town address, and its rounds plan."""
from datetime import date

import sqlalchemy as sa

from app import geocoder
from app.delivery.models import Courier, DeliveryWindow, DeliveryZone
from app.delivery.planning import active_couriers, plan_rounds
from app.delivery.services import hold_delivery, windows_for
from app.demo.seed import seed_demo
from app.extensions import db
from app.shops.models import Shop


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_demo_town_delivers_a_two_shop_basket(app, clock):
    seed_demo()
    seed_demo()  # idempotent
    assert (count(DeliveryZone), count(DeliveryWindow), count(Courier)) == (2, 3, 2)
    shops = list(db.session.scalars(sa.select(Shop).where(
        Shop.slug.in_(["boulangerie-martin", "primeur-des-halles"]))))
    [address, *_] = geocoder().suggest("8 rue Pannessac")

    offers = windows_for(address, shops, 3000, clock.now)  # Tuesday 09:00

    today = [o for o in offers if o.day == date(2026, 11, 24)]
    assert [o.refusal for o in today] == ["cutoff_passed", None, None]
    assert today[1].fee_cents == 390
    request = hold_delivery(address, shops, 3000, today[1].window_id, today[1].day, clock.now)
    result = plan_rounds(today[1].day, today[1].window_id, active_couriers(), clock.now)
    assert result.unassigned == []
    [round_] = result.rounds
    assert [s.kind for s in round_.stops] == ["pickup", "pickup", "delivery"]
    assert {s.request_id for s in round_.stops} == {request.id}
