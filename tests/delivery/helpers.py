"""Given-helpers for delivery: addresses of the demo town, a zone, a window."""
from datetime import time

from app.delivery.geocoding import Address
from app.delivery.services import create_window, create_zone
from tests.orders.test_holds_race import race  # noqa: F401  the delivery tests race the same way

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
