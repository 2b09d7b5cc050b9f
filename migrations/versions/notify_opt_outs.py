"""sms opt-outs: numbers that answered STOP

Revision ID: notify_opt_outs
Revises: vouchers_gift_vouchers
Create Date: 2026-11-22 04:50:00

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = 'notify_opt_outs'
down_revision = 'vouchers_gift_vouchers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_opt_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('opted_out_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_opt_outs')),
    sa.UniqueConstraint('phone', name=op.f('uq_sms_opt_outs_phone'))
    )


def downgrade():
    op.drop_table('sms_opt_outs')
