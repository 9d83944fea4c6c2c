"""final answers once their key was shown; time on task counted on the server

Revision ID: b7c41e2f9a10
Revises: 5ee1d8768dfa
Create Date: 2026-12-04 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7c41e2f9a10'
down_revision = '5ee1d8768dfa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_shown_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('timed_until', sa.DateTime(), nullable=True))
    # Keys already shown: every slot of a submitted attempt (its report), and checked practice slots (feedback).
    op.execute("UPDATE attempt_item SET key_shown_at = (SELECT coalesce(attempt.submitted_at, attempt.started_at) "
               "FROM attempt WHERE attempt.id = attempt_item.attempt_id) "
               "WHERE attempt_id IN (SELECT id FROM attempt WHERE status = 'submitted')")
    op.execute("UPDATE attempt_item SET key_shown_at = coalesce(answered_at, (SELECT attempt.started_at FROM attempt "
               "WHERE attempt.id = attempt_item.attempt_id)) "
               "WHERE key_shown_at IS NULL AND checked AND attempt_id IN (SELECT id FROM attempt WHERE mode = 'practice')")


def downgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_column('timed_until')
        batch_op.drop_column('key_shown_at')
