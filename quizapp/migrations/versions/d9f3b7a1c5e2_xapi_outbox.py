"""xAPI outbox: statements waiting for the Learning Record Store

Revision ID: d9f3b7a1c5e2
Revises: c4e8a2f6b1d9
Create Date: 2026-12-07 23:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd9f3b7a1c5e2'
down_revision = 'c4e8a2f6b1d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'xapi_statement',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('next_try_at', sa.DateTime(), nullable=True),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_statement')),
    )
    with op.batch_alter_table('xapi_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_statement_next_try_at'), ['next_try_at'], unique=False)


def downgrade():
    with op.batch_alter_table('xapi_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_statement_next_try_at'))
    op.drop_table('xapi_statement')
