"""question_skill: the index by skill also carries the version, so a start finds its skills' versions
from the index alone (an index-only scan on PostgreSQL; EXPLAIN in bench/README.md, bank size)

Revision ID: 3b5d7f9a1c2e
Revises: 9e3f5a1c2b7d
Create Date: 2026-12-07 19:35:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b5d7f9a1c2e'
down_revision = '9e3f5a1c2b7d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question_skill', schema=None) as batch_op:
        batch_op.create_index('ix_question_skill_skill_id_version_id', ['skill_id', 'version_id'], unique=False)
        batch_op.drop_index('ix_question_skill_skill_id')


def downgrade():
    with op.batch_alter_table('question_skill', schema=None) as batch_op:
        batch_op.create_index('ix_question_skill_skill_id', ['skill_id'], unique=False)
        batch_op.drop_index('ix_question_skill_skill_id_version_id')
