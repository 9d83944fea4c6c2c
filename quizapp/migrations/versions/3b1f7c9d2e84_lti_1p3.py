"""LTI 1.3: platform registrations, the tool's keys, user/context/resource-link links, scores owed, the cache

Revision ID: 3b1f7c9d2e84
Revises: c3a7e1d9b5f2
Create Date: 2026-12-07 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b1f7c9d2e84'
down_revision = "c3a7e1d9b5f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lti_platform',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('auth_login_url', sa.String(length=500), nullable=False),
        sa.Column('auth_token_url', sa.String(length=500), nullable=False),
        sa.Column('key_set_url', sa.String(length=500), nullable=False),
        sa.Column('auth_audience', sa.String(length=500), nullable=True),
        sa.Column('deployment_ids', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platform')),
        sa.UniqueConstraint('issuer', 'client_id', name='uq_lti_platform_issuer_client'),
    )
    op.create_table(
        'lti_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kid', sa.String(length=100), nullable=False),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('public_pem', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_key')),
        sa.UniqueConstraint('kid', name=op.f('uq_lti_key_kid')),
    )
    op.create_table(
        'lti_user',
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lti_user_user_id_user')),
        sa.PrimaryKeyConstraint('issuer', 'subject', name=op.f('pk_lti_user')),
    )
    with op.batch_alter_table('lti_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_user_user_id'), ['user_id'], unique=False)
    op.create_table(
        'lti_context',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.String(length=255), nullable=False),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('memberships_url', sa.String(length=500), nullable=True),
        sa.Column('synced_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_lti_context_cohort_id_cohort')),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'],
                                name=op.f('fk_lti_context_platform_id_lti_platform')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_context')),
        sa.UniqueConstraint('platform_id', 'context_id', name='uq_lti_context_platform_context'),
    )
    op.create_table(
        'lti_member',
        sa.Column('context_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('instructor', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'],
                                name=op.f('fk_lti_member_context_id_lti_context')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lti_member_user_id_user')),
        sa.PrimaryKeyConstraint('context_id', 'user_id', name=op.f('pk_lti_member')),
    )
    op.create_table(
        'lti_resource_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('resource_link_id', sa.String(length=255), nullable=False),
        sa.Column('context_id', sa.Integer(), nullable=True),
        sa.Column('assessment_id', sa.String(length=64), nullable=True),
        sa.Column('lineitem_url', sa.String(length=500), nullable=True),
        sa.Column('ags_scopes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'],
                                name=op.f('fk_lti_resource_link_assessment_id_assessment')),
        sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'],
                                name=op.f('fk_lti_resource_link_context_id_lti_context')),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'],
                                name=op.f('fk_lti_resource_link_platform_id_lti_platform')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_resource_link')),
        sa.UniqueConstraint('platform_id', 'resource_link_id', name='uq_lti_resource_link_platform_link'),
    )
    op.create_table(
        'lti_grade',
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('resource_link_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('score_given', sa.Float(), nullable=True),
        sa.Column('score_maximum', sa.Float(), nullable=True),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_lti_grade_attempt_id_attempt')),
        sa.ForeignKeyConstraint(['resource_link_id'], ['lti_resource_link.id'],
                                name=op.f('fk_lti_grade_resource_link_id_lti_resource_link')),
        sa.PrimaryKeyConstraint('attempt_id', name=op.f('pk_lti_grade')),
    )
    with op.batch_alter_table('lti_grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_grade_resource_link_id'), ['resource_link_id'], unique=False)
    op.create_table(
        'lti_cache',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_lti_cache')),
    )
    with op.batch_alter_table('lti_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_cache_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('lti_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_cache_expires_at'))
    op.drop_table('lti_cache')
    with op.batch_alter_table('lti_grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_grade_resource_link_id'))
    op.drop_table('lti_grade')
    op.drop_table('lti_resource_link')
    op.drop_table('lti_member')
    op.drop_table('lti_context')
    with op.batch_alter_table('lti_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_user_user_id'))
    op.drop_table('lti_user')
    op.drop_table('lti_key')
    op.drop_table('lti_platform')
