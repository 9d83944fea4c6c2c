"""skill profile across sittings and area calls: what a skill's call rests on, area results, why an
adaptive attempt stopped

Revision ID: 7d3e9b1c5a20
Revises: 2b6a1e4aa264
Create Date: 2026-12-07 14:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d3e9b1c5a20'
down_revision = '2b6a1e4aa264'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stop_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('skill_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('this_sitting', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sittings', sa.Integer(), server_default='1', nullable=False))
    # results stored before profiles rested on their own attempt alone
    op.execute("UPDATE skill_result SET this_sitting = n_items")
    op.create_table(
        'area_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('area', sa.String(length=32), nullable=False),
        sa.Column('theta', sa.Float(), nullable=False),
        sa.Column('sd', sa.Float(), nullable=False),
        sa.Column('p_gap', sa.Float(), nullable=False),
        sa.Column('target', sa.Float(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('n_items', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('attempt_id', 'area'),
    )
    with op.batch_alter_table('area_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_result_attempt_id'), ['attempt_id'], unique=False)


def downgrade():
    with op.batch_alter_table('area_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_result_attempt_id'))
    op.drop_table('area_result')
    with op.batch_alter_table('skill_result', schema=None) as batch_op:
        batch_op.drop_column('sittings')
        batch_op.drop_column('this_sitting')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('stop_reason')
