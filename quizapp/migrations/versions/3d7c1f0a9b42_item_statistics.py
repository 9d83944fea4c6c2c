"""item statistics stored per question version, what they cover, and attempts by status and submit time

Revision ID: 3d7c1f0a9b42
Revises: 3b5d7f9a1c2e
Create Date: 2026-12-07 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3d7c1f0a9b42'
down_revision = '3b5d7f9a1c2e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'item_statistic',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('responses', sa.Integer(), nullable=False),
        sa.Column('facility', sa.Float(), nullable=True),
        sa.Column('discrimination', sa.Float(), nullable=True),
        sa.Column('median_seconds', sa.Float(), nullable=True),
        sa.Column('dont_know_rate', sa.Float(), nullable=True),
        sa.Column('option_rates', sa.JSON(), nullable=False),
        sa.Column('flags', sa.JSON(), nullable=False),
        sa.Column('flagged', sa.Boolean(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['question_version.id'], ),
        sa.PrimaryKeyConstraint('version_id'),
    )
    op.create_table(
        'item_statistics_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('through', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.Column('recent', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_status_submitted_at', ['status', 'submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_status_submitted_at')
    op.drop_table('item_statistics_run')
    op.drop_table('item_statistic')
