"""cohort pages: skill_result (attempt_id, skill_id, status), so ranking members' latest calls reads the index only

Revision ID: c3a7e1d9b5f2
Revises: 9e3f5a1c2b7d
Create Date: 2026-12-07 19:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3a7e1d9b5f2'
down_revision = '9e3f5a1c2b7d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('skill_result', schema=None) as batch_op:
        batch_op.create_index('ix_skill_result_attempt_id_skill_id_status', ['attempt_id', 'skill_id', 'status'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('skill_result', schema=None) as batch_op:
        batch_op.drop_index('ix_skill_result_attempt_id_skill_id_status')
