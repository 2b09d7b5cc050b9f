from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime
from app.extensions import db


class SlotSeats(db.Model):
    """Seats taken in one pickup slot of one shop.

    Booking is `UPDATE … SET taken = taken + 1 WHERE taken < :capacity`: the database, not
    Python, decides who gets the last seat, whatever the number of workers.
    """

    __tablename__ = "slot_seats"
    __table_args__ = (sa.CheckConstraint("taken >= 0", name="taken"),)

    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), primary_key=True)
    slot_start: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)
    taken: so.Mapped[int] = so.mapped_column(default=0)
