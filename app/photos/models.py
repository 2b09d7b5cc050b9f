from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime, utcnow
from app.extensions import db


class Photo(db.Model):
    """An image a shop uploaded, kept as a few WebP widths named by their content.

    `key` is the SHA-256 (32 hex digits) of the encoded files: a file's name says exactly
    what it holds, so it can be cached for a year. The same picture sent twice by one shop
    is one row."""

    __tablename__ = "photos"
    __table_args__ = (
        sa.UniqueConstraint("shop_id", "key"),
        sa.CheckConstraint("width > 0 AND height > 0", name="size"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    # The shop that sent it. No foreign key: shops.logo_id points here, and a cycle of
    # foreign keys leaves the tables without an order to create and empty them in.
    shop_id: so.Mapped[int] = so.mapped_column(index=True)
    # Of the largest width kept (the picture's own size, if smaller than the largest).
    width: so.Mapped[int]
    height: so.Mapped[int]
    # The widths kept, ascending, comma-separated: "160,320,640,1280".
    widths: so.Mapped[str] = so.mapped_column(sa.String(40))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    @property
    def width_list(self) -> list[int]:
        return [int(w) for w in self.widths.split(",")]

    def file_name(self, width: int) -> str:
        return file_name(self.key, width)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))


def file_name(key: str, width: int) -> str:
    return f"{key}-{width}.webp"
