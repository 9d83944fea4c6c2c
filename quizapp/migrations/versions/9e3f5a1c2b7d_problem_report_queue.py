"""problem reports: the queue's index (status, created_at) and the instructor's reply to the learner

Revision ID: 9e3f5a1c2b7d
Revises: 4c8e2a7f1b36
Create Date: 2026-12-07 17:25:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9e3f5a1c2b7d'
down_revision = '4c8e2a7f1b36'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('problem_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=True))
        batch_op.create_index('ix_problem_report_status_created_at', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('problem_report', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_report_status_created_at')
        batch_op.drop_column('reply')
