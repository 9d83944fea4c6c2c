"""starts on a big bank: question_skill's index by skill also carries the version, and question has one
on (current_version_id, retired), so a start finds its skills' live versions from indexes alone
(index-only scans on PostgreSQL; EXPLAIN in bench/README.md, bank size)

Revision ID: 3b5d7f9a1c2e
Revises: 3b1f7c9d2e84
Create Date: 2026-12-07 19:35:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b5d7f9a1c2e'
down_revision = '3b1f7c9d2e84'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question_skill', schema=None) as batch_op:
        batch_op.create_index('ix_question_skill_skill_id_version_id', ['skill_id', 'version_id'], unique=False)
        batch_op.drop_index('ix_question_skill_skill_id')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index('ix_question_current_version_id_retired', ['current_version_id', 'retired'], unique=False)


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index('ix_question_current_version_id_retired')
    with op.batch_alter_table('question_skill', schema=None) as batch_op:
        batch_op.create_index('ix_question_skill_skill_id', ['skill_id'], unique=False)
        batch_op.drop_index('ix_question_skill_skill_id_version_id')
