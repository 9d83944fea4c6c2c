"""attempts by assessment and status: the report's percentiles rank an assessment's submitted attempts

Revision ID: 2b6a1e4aa264
Revises: c6a001db67ca
Create Date: 2026-12-07 10:32:01.814004

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '2b6a1e4aa264'
down_revision = 'c6a001db67ca'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_assessment_id_status', ['assessment_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_assessment_id_status')
