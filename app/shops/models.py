from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.photos.models import Photo

# The association's commission on a shop's collected sales, in basis points (1/100 of a
# per cent), when nothing else was agreed with the shop: 5 %. See app/ledger/services.py
# for the rounding rule.
DEFAULT_COMMISSION_BPS = 500


class Shop(db.Model):
    __tablename__ = "shops"
    __table_args__ = (
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_minutes"),
        sa.CheckConstraint("seats_per_slot BETWEEN 1 AND 100", name="seats_per_slot"),
        sa.CheckConstraint("prep_minutes BETWEEN 0 AND 2880", name="prep_minutes"),
        sa.CheckConstraint("hold_minutes BETWEEN 1 AND 120", name="hold_minutes"),
        sa.CheckConstraint("commission_bps BETWEEN 0 AND 10000", name="commission_bps"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    address: so.Mapped[str] = so.mapped_column(sa.String(250), default="")
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # What the shop is, a code of app.shops.services.SHOP_KINDS ("" until the shop says).
    kind: so.Mapped[str] = so.mapped_column(sa.String(30), default="", server_default="")
    # Where the shop is (WGS 84), for maps and search engines' structured data; None until
    # its address is found (`flask shops locate`, app/seo/places.py).
    latitude: so.Mapped[float | None] = so.mapped_column(sa.Float)
    longitude: so.Mapped[float | None] = so.mapped_column(sa.Float)
    # The French public holidays the shop opens on, as codes of app.shops.holidays,
    # comma-separated; on any other holiday no slot is offered.
    holiday_openings: so.Mapped[str] = so.mapped_column(sa.String(300), default="",
                                                        server_default="")
    # Published: shoppers see the shop (pages, search, API) and may order from it. A shop
    # the town's manager creates starts unpublished, while its merchant sets it up.
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # The shop's SIRET (14 digits, checked with python-stdnum), given by the town at onboarding.
    siret: so.Mapped[str | None] = so.mapped_column(sa.String(14))
    # Pickup settings: a slot lasts slot_minutes and takes seats_per_slot orders; the shop
    # needs prep_minutes between an order and its slot; a checkout holds stock hold_minutes.
    slot_minutes: so.Mapped[int] = so.mapped_column(default=15)
    seats_per_slot: so.Mapped[int] = so.mapped_column(default=4)
    prep_minutes: so.Mapped[int] = so.mapped_column(default=60)
    hold_minutes: so.Mapped[int] = so.mapped_column(default=15)
    reminder_minutes: so.Mapped[int] = so.mapped_column(default=60)
    # An order not collected this long after its slot ends is a no-show (see README).
    no_show_minutes: so.Mapped[int] = so.mapped_column(default=24 * 60)
    # Payouts: the association keeps commission_bps of each collected sale and transfers
    # the rest to this account (IBAN and BIC checked by app.ledger.services.set_bank_details).
    commission_bps: so.Mapped[int] = so.mapped_column(
        default=DEFAULT_COMMISSION_BPS, server_default=sa.text(str(DEFAULT_COMMISSION_BPS)))
    iban: so.Mapped[str | None] = so.mapped_column(sa.String(34))
    bic: so.Mapped[str | None] = so.mapped_column(sa.String(11))
    account_holder: so.Mapped[str | None] = so.mapped_column(sa.String(70))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The shop's logo (app/photos), on its page and in the API; none until it sends one.
    logo_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("photos.id"))

    logo: so.Mapped[Photo | None] = so.relationship()
    hours: so.Mapped[list["OpeningHours"]] = so.relationship(
        back_populates="shop", cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens)")
    closures: so.Mapped[list["Closure"]] = so.relationship(
        back_populates="shop", cascade="all, delete-orphan", order_by="Closure.start_date")

    def __repr__(self):
        return f"<Shop {self.slug}>"


class OpeningHours(db.Model):
    """One opening interval on a weekday; two rows on a day make a lunch break."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("opens < closes", name="interval"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), index=True)
    weekday: so.Mapped[int]  # 0 = Monday, as date.weekday()
    opens: so.Mapped[time]
    closes: so.Mapped[time]

    shop: so.Mapped[Shop] = so.relationship(back_populates="hours")


class Closure(db.Model):
    """Exceptional closure, whole days from start_date to end_date inclusive."""

    __tablename__ = "closures"
    __table_args__ = (sa.CheckConstraint("start_date <= end_date", name="range"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), index=True)
    start_date: so.Mapped[date]
    end_date: so.Mapped[date]
    reason: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    shop: so.Mapped[Shop] = so.relationship(back_populates="closures")
