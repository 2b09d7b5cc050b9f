"""onboarding: one-time invitations, SIRET, published shops

Revision ID: backoffice_onboarding
Revises: backoffice_shop_settings
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'backoffice_onboarding'
down_revision = 'backoffice_shop_settings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shops') as batch:
        batch.add_column(sa.Column('siret', sa.String(length=14), nullable=True))
    op.create_table(
        'shop_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('expires_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('used_at', app.database.UTCDateTime(), nullable=True),
        sa.Column('revoked_at', app.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shop_invitations_shop_id_shops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_invitations')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_shop_invitations_token_hash')),
    )
    op.create_index(op.f('ix_shop_invitations_shop_id'), 'shop_invitations', ['shop_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_shop_invitations_shop_id'), table_name='shop_invitations')
    op.drop_table('shop_invitations')
    with op.batch_alter_table('shops') as batch:
        batch.drop_column('siret')
