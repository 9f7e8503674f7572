"""campaigns: outbound retention campaigns (campaign, call list, attempts) and satisfaction surveys (answers,
requests sent through the outbox), loyalty tiers

Revision ID: 0047
Revises: 0046
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0047'
down_revision = '0046'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('script', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('offer', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('agents', sa.JSON(), nullable=False),
    sa.Column('built_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_campaign_queue_id_queue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('code', name=op.f('uq_campaign_code'))
    )
    op.create_table('campaign_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_campaign_call_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_call_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['holder_id'], ['app_user.id'], name=op.f('fk_campaign_call_holder_id_app_user')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_campaign_call_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_call')),
    sa.UniqueConstraint('campaign_id', 'party_id', name=op.f('uq_campaign_call_campaign_id'))
    )
    op.create_index('ix_campaign_call_holder', 'campaign_call', ['holder_id', 'state'], unique=False)
    op.create_index('ix_campaign_call_next', 'campaign_call', ['campaign_id', 'state', 'due_at', 'id'], unique=False)
    op.create_table('survey_answer',
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('nps', sa.Integer(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_survey_answer_party_id_party')),
    sa.PrimaryKeyConstraint('inquiry_id', name=op.f('pk_survey_answer'))
    )
    op.create_index('ix_survey_answer_party', 'survey_answer', ['party_id', 'answered_at'], unique=False)
    op.create_table('survey_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_survey_request_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_request')),
    sa.UniqueConstraint('code', name=op.f('uq_survey_request_code')),
    sa.UniqueConstraint('inquiry_id', name=op.f('uq_survey_request_inquiry_id'))
    )
    op.create_table('campaign_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['app_user.id'], name=op.f('fk_campaign_attempt_agent_id_app_user')),
    sa.ForeignKeyConstraint(['call_id'], ['campaign_call.id'], name=op.f('fk_campaign_attempt_call_id_campaign_call')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_attempt_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_campaign_attempt_contact_id_contact')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_campaign_attempt_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_attempt'))
    )
    op.create_index(op.f('ix_campaign_attempt_call_id'), 'campaign_attempt', ['call_id'], unique=False)
    op.create_index('ix_campaign_attempt_campaign', 'campaign_attempt', ['campaign_id', 'at'], unique=False)

    op.create_table('loyalty_tier',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('min_tenure_months', sa.Integer(), nullable=False),
    sa.Column('min_spend', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('min_rating', sa.Float(), nullable=True),
    sa.Column('from_categories', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_tier')),
    sa.UniqueConstraint('code', name=op.f('uq_loyalty_tier_code'))
    )


def downgrade() -> None:
    op.drop_table('loyalty_tier')
    op.drop_index('ix_campaign_attempt_campaign', table_name='campaign_attempt')
    op.drop_index(op.f('ix_campaign_attempt_call_id'), table_name='campaign_attempt')
    op.drop_table('campaign_attempt')
    op.drop_table('survey_request')
    op.drop_index('ix_survey_answer_party', table_name='survey_answer')
    op.drop_table('survey_answer')
    op.drop_index('ix_campaign_call_next', table_name='campaign_call')
    op.drop_index('ix_campaign_call_holder', table_name='campaign_call')
    op.drop_table('campaign_call')
    op.drop_table('campaign')
