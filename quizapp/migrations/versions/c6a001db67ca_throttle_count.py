"""throttle count: the login and registration throttle's windows, when it counts in the database

Revision ID: c6a001db67ca
Revises: b7c41e2f9a10
Create Date: 2026-12-07 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c6a001db67ca'
down_revision = 'b7c41e2f9a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('throttle_count',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_count'))
    )
    with op.batch_alter_table('throttle_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_count_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('throttle_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_count_expires_at'))
    op.drop_table('throttle_count')
