"""email verification: user.email_verified_at

Accounts that exist already count as confirmed (they were created before confirmation existed and
kept logging in as before); only accounts registered from now on start unconfirmed.

Revision ID: a5c3e1f7d2b9
Revises: 3d7c1f0a9b42
Create Date: 2026-12-07 19:35:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a5c3e1f7d2b9'
down_revision = '3d7c1f0a9b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    user = sa.table('user', sa.column('email_verified_at', sa.DateTime()), sa.column('created_at', sa.DateTime()))
    op.execute(user.update().values(email_verified_at=sa.func.coalesce(user.c.created_at, sa.func.current_timestamp())))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
