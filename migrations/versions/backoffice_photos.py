"""product photos and shop logos

Revision ID: backoffice_photos
Revises: backoffice_import
Create Date: 2026-12-01 12:00:00

A photo is a picture a shop sent, kept as a few WebP widths whose names are their content's
hash (app/photos). A product may have one (products.photo_id), a shop a logo
(shops.logo_id). The photo's shop is a plain column: a foreign key there would close a cycle
with shops.logo_id.

SQLite cannot add a foreign key to an existing table, except inline with the new column
(ADD COLUMN … REFERENCES); PostgreSQL gets the named constraint. No table is rebuilt, so
the tables referring to products and shops keep their references.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'backoffice_photos'
down_revision = 'backoffice_import'
branch_labels = None
depends_on = None

REFERENCES = (("products", "photo_id"), ("shops", "logo_id"))


def upgrade():
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("widths", sa.String(length=40), nullable=False),
        sa.Column("created_at", app.database.UTCDateTime(), nullable=False),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_photos_size")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("shop_id", "key", name=op.f("uq_photos_shop_id")),
    )
    op.create_index(op.f("ix_photos_key"), "photos", ["key"], unique=False)
    op.create_index(op.f("ix_photos_shop_id"), "photos", ["shop_id"], unique=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in REFERENCES:
        if sqlite:
            op.add_column(table, sa.Column(column, sa.Integer(), sa.ForeignKey("photos.id"),
                                           nullable=True), inline_references=True)
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(f"fk_{table}_{column}_photos"), table, "photos",
                                  [column], ["id"])


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in REFERENCES:
        if not sqlite:
            op.drop_constraint(op.f(f"fk_{table}_{column}_photos"), table, type_="foreignkey")
        # Plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35): no table rebuild.
        op.drop_column(table, column)
    op.drop_index(op.f("ix_photos_shop_id"), table_name="photos")
    op.drop_index(op.f("ix_photos_key"), table_name="photos")
    op.drop_table("photos")
