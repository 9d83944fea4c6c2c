"""resources a learner marked done in a study plan

Revision ID: 4c8e2a7f1b36
Revises: 7d3e9b1c5a20
Create Date: 2026-12-07 16:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4c8e2a7f1b36'
down_revision = '7d3e9b1c5a20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'resource_done',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('user_id', 'course_id'),
    )


def downgrade():
    op.drop_table('resource_done')
