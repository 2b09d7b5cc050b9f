from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.shops.models import Shop


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("price_cents >= 0", name="price"),
        # Stock is decremented only by `UPDATE … WHERE stock >= :qty`; this is the backstop.
        sa.CheckConstraint("stock >= 0", name="stock"),
        sa.Index("ix_products_shop_active", "shop_id", "active"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Lower-case, accent-free copy of name (+ description) for search on any database.
    search_text: so.Mapped[str] = so.mapped_column(sa.String(600), default="", index=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    sku: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    price_cents: so.Mapped[int]
    stock: so.Mapped[int] = so.mapped_column(default=0)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow,
                                                       onupdate=utcnow)

    shop: so.Mapped[Shop] = so.relationship()

    @property
    def available(self) -> bool:
        return self.active and self.stock > 0
