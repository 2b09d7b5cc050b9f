"""Home delivery: where the town delivers (zones), when (windows and their drops), what is to
be delivered (requests) and who brings it (couriers, rounds, stops)."""
from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime, utcnow
from app.extensions import db

# Weekdays are stored as a string of digits, 0 = Monday as date.weekday(): "012345".
ALL_WEEKDAYS = "0123456"


class DeliveryZone(db.Model):
    """Where the association delivers, and at what price: a list of postcodes, a radius
    around its depot, or both (an address in either is in the zone)."""

    __tablename__ = "delivery_zones"
    __table_args__ = (
        sa.CheckConstraint("fee_cents >= 0", name="fee"),
        sa.CheckConstraint("free_above_cents IS NULL OR free_above_cents > 0", name="free_above"),
        sa.CheckConstraint("min_basket_cents >= 0", name="min_basket"),
        sa.CheckConstraint("radius_m IS NULL OR radius_m > 0", name="radius"),
        sa.CheckConstraint("postcodes <> '' OR radius_m IS NOT NULL", name="where"),
        sa.CheckConstraint("weekdays <> ''", name="weekdays"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    postcodes: so.Mapped[str] = so.mapped_column(sa.String(300), default="")  # "43000,43750"
    radius_m: so.Mapped[int | None]  # from the depot (DELIVERY_DEPOT_LAT/LON), straight line
    fee_cents: so.Mapped[int]
    free_above_cents: so.Mapped[int | None]  # no fee from this basket amount on
    min_basket_cents: so.Mapped[int] = so.mapped_column(default=0)
    weekdays: so.Mapped[str] = so.mapped_column(sa.String(7), default=ALL_WEEKDAYS)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    @property
    def postcode_list(self) -> list[str]:
        return [p for p in self.postcodes.split(",") if p]


CUTOFF_SAME_DAY = 0  # order before cutoff_time on the day itself
CUTOFF_DAY_BEFORE = 1  # order before cutoff_time the day before (morning windows)


class DeliveryWindow(db.Model):
    """A time of day the couriers deliver, on some weekdays, with a number of drops."""

    __tablename__ = "delivery_windows"
    __table_args__ = (
        sa.CheckConstraint("starts < ends", name="interval"),
        sa.CheckConstraint("drops BETWEEN 1 AND 1000", name="drops"),
        sa.CheckConstraint("cutoff_days_before IN (0, 1)", name="cutoff_days"),
        sa.CheckConstraint("weekdays <> ''", name="weekdays"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    weekdays: so.Mapped[str] = so.mapped_column(sa.String(7), default=ALL_WEEKDAYS)
    starts: so.Mapped[time]  # town time
    ends: so.Mapped[time]
    drops: so.Mapped[int]  # deliveries the window takes, per day
    cutoff_days_before: so.Mapped[int] = so.mapped_column(default=CUTOFF_SAME_DAY)
    cutoff_time: so.Mapped[time]  # town time, on the day or the day before
    active: so.Mapped[bool] = so.mapped_column(default=True)


class WindowDrops(db.Model):
    """Drops taken in one window on one day: taken as pickup seats are (SlotSeats), by
    `UPDATE … SET taken = taken + 1 WHERE taken < :capacity`."""

    __tablename__ = "window_drops"
    __table_args__ = (sa.CheckConstraint("taken >= 0", name="taken"),)

    window_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("delivery_windows.id"),
                                                 primary_key=True)
    day: so.Mapped[date] = so.mapped_column(primary_key=True)
    taken: so.Mapped[int] = so.mapped_column(default=0)


# Delivery request states.
REQUEST_HELD = "held"            # a drop is taken in its window; nobody has planned it yet
REQUEST_PLANNED = "planned"      # in a round
REQUEST_DELIVERED = "delivered"  # handed over at the door
REQUEST_FAILED = "failed"        # the courier could not hand it over
REQUEST_CANCELLED = "cancelled"  # its drop given back
# Still on its way to the door (or there): its orders are not collected in the shops.
DELIVERING_STATES = ("held", "planned", "delivered")
REQUEST_STATES = (REQUEST_HELD, REQUEST_PLANNED, REQUEST_DELIVERED, REQUEST_FAILED,
                  REQUEST_CANCELLED)


class DeliveryRequest(db.Model):
    """One basket to bring to one door in one window: what the checkout will create (with
    its drop, in its own unit of work) and what the rounds are planned from."""

    __tablename__ = "delivery_requests"
    __table_args__ = (
        sa.CheckConstraint("fee_cents >= 0", name="fee"),
        sa.CheckConstraint("parcels >= 1", name="parcels"),
        sa.Index("ix_delivery_requests_day_window", "day", "window_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    checkout_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("checkouts.id"),
                                                          unique=True)
    window_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("delivery_windows.id"))
    day: so.Mapped[date]
    label: so.Mapped[str] = so.mapped_column(sa.String(250))  # the address as chosen
    postcode: so.Mapped[str] = so.mapped_column(sa.String(10))
    city: so.Mapped[str] = so.mapped_column(sa.String(100))
    lat: so.Mapped[float]
    lon: so.Mapped[float]
    fee_cents: so.Mapped[int] = so.mapped_column(default=0)
    parcels: so.Mapped[int] = so.mapped_column(default=1)  # room taken in a courier's vehicle
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=REQUEST_HELD)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    shops: so.Mapped[list["DeliveryPickup"]] = so.relationship(
        cascade="all, delete-orphan", order_by="DeliveryPickup.shop_id")
    window: so.Mapped[DeliveryWindow] = so.relationship()


class DeliveryPickup(db.Model):
    """A shop the courier collects a request's order from."""

    __tablename__ = "delivery_pickups"

    request_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("delivery_requests.id"),
                                                  primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), primary_key=True)


class Courier(db.Model):
    __tablename__ = "couriers"
    __table_args__ = (sa.CheckConstraint("capacity BETWEEN 1 AND 200", name="capacity"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    capacity: so.Mapped[int] = so.mapped_column(default=8)  # parcels carried at once
    active: so.Mapped[bool] = so.mapped_column(default=True)


ROUND_PLANNED = "planned"  # may still be replanned as a whole
ROUND_STARTED = "started"  # a stop is done: its order is kept on replanning
ROUND_DONE = "done"        # every stop done


class Round(db.Model):
    """One courier's tour in one window on one day."""

    __tablename__ = "rounds"
    __table_args__ = (sa.UniqueConstraint("day", "window_id", "courier_id",
                                          name="uq_rounds_day_window_courier"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day: so.Mapped[date]
    window_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("delivery_windows.id"))
    courier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("couriers.id"))
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=ROUND_PLANNED)
    distance_m: so.Mapped[int] = so.mapped_column(default=0)
    planned_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The courier's secret link (/tournee/<token>, and the API's bearer): no account to
    # remember on a phone. A courier's round replanned keeps its token, so a link sent
    # before the replanning still opens it.
    token: so.Mapped[str] = so.mapped_column(sa.String(43), unique=True)

    courier: so.Mapped[Courier] = so.relationship()
    stops: so.Mapped[list["Stop"]] = so.relationship(
        cascade="all, delete-orphan", order_by="Stop.position")


STOP_PICKUP = "pickup"      # at a shop: collect the request's order
STOP_DELIVERY = "delivery"  # at the door
STOP_TODO, STOP_DONE = "todo", "done"


class Stop(db.Model):
    __tablename__ = "stops"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('pickup', 'delivery')", name="kind"),
        sa.UniqueConstraint("round_id", "position", name="uq_stops_round_position"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id"), index=True)
    position: so.Mapped[int]
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    request_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("delivery_requests.id"),
                                                  index=True)
    shop_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("shops.id"))  # pickups
    expected_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=STOP_TODO)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class DeliveryEvent(db.Model):
    """What happened to a delivery, a round or a stop: each status change (from
    app/delivery/transitions.py) and each courier's action refused or done (a wrong code,
    a proof photo), with who did it. Round and stop ids are kept as plain numbers: a round
    replanned away is deleted, its history is not."""

    __tablename__ = "delivery_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    request_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("delivery_requests.id"), index=True)
    round_id: so.Mapped[int | None] = so.mapped_column(index=True)
    stop_id: so.Mapped[int | None]
    code: so.Mapped[str] = so.mapped_column(sa.String(40))  # "request:planned", "wrong_code"
    params: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    actor: so.Mapped[str] = so.mapped_column(sa.String(80))  # "courier:<round id>", "system"
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


FAILED_COLLECT = "collect"        # the orders stay ready: the shopper collects them in the shop
FAILED_RESCHEDULE = "reschedule"  # the shopper chooses another window, no second fee
FAILED_RULES = (FAILED_COLLECT, FAILED_RESCHEDULE)


class DeliverySettings(db.Model):
    """The town's delivery settings: one row (id 1), written by the manager."""

    __tablename__ = "delivery_settings"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single"),
                      sa.CheckConstraint("failed_rule IN ('collect', 'reschedule')",
                                         name="failed_rule"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    failed_rule: so.Mapped[str] = so.mapped_column(sa.String(12), default=FAILED_COLLECT)
