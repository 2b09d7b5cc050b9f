"""Given-helpers for delivery: addresses of the demo town, a zone, a window."""
import threading
from datetime import time

from app.delivery.geocoding import Address
from app.delivery.services import create_window, create_zone
from app.errors import DomainError
from app.extensions import db

# In the town (43000), about 350 m from the depot.
TABLES = Address("12 rue des Tables, 43000 Le Puy-en-Velay", "43000", "Le Puy-en-Velay",
                 45.04502, 3.88237)
# Next town (43750), 1.5 km from the depot: in a radius of 2 km, not in 43000.
VALS = Address("8 avenue de Vals, 43750 Vals-près-le-Puy", "43750", "Vals-près-le-Puy",
               45.0311, 3.8780)
# 20 km away.
YSSINGEAUX = Address("3 rue Notre-Dame, 43200 Yssingeaux", "43200", "Yssingeaux",
                     45.1429, 4.1238)
WEEKDAYS = "0123456"


def town_zone(**changes):
    settings = dict(name="Le Puy", postcodes="43000", radius_m=None, fee_cents=490,
                    free_above_cents=6000, min_basket_cents=2000, weekdays=WEEKDAYS)
    settings.update(changes)
    return create_zone(**settings)


def evening_window(**changes):
    settings = dict(weekdays=WEEKDAYS, starts=time(17), ends=time(19), drops=10,
                    cutoff_days_before=0, cutoff_time=time(14))
    settings.update(changes)
    return create_window(**settings)


def race(app, attempts):
    """Every attempt at once, each in its own thread, app context, session and connection;
    one outcome each: "ok" or the refusal's (code, field)."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(i, attempt):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                attempt()
                outcomes[i] = "ok"
            except DomainError as refused:
                outcomes[i] = (refused.code, refused.field)
            except Exception as crash:  # a 500 in production: the test must show it
                outcomes[i] = ("crash", repr(crash))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a hold hung"
    return outcomes
