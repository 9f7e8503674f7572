"""Knowledge base: articles, language versions, full-text index, usage

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from crmterm.store import kb_index

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kb_article',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('visibility', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('approved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.Column('attached', sa.Integer(), nullable=False),
    sa.Column('helpful', sa.Integer(), nullable=False),
    sa.Column('usage_score', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article')),
    sa.UniqueConstraint('slug', name=op.f('uq_kb_article_slug'))
    )
    with op.batch_alter_table('kb_article', schema=None) as batch_op:
        batch_op.create_index('ix_kb_article_status_usage', ['status', 'usage_score'], unique=False)

    op.create_table('inquiry_article',
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('attached_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('attached_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_inquiry_article_article_id_kb_article')),
    sa.PrimaryKeyConstraint('inquiry_id', 'article_id', name=op.f('pk_inquiry_article'))
    )
    with op.batch_alter_table('inquiry_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiry_article_article_id'), ['article_id'], unique=False)

    op.create_table('kb_article_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('keywords', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_text_article_id_kb_article')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article_text')),
    sa.UniqueConstraint('article_id', 'lang', name=op.f('uq_kb_article_text_article_id'))
    )
    op.create_table('kb_article_topic',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_topic_article_id_kb_article')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_kb_article_topic_topic_id_topic')),
    sa.PrimaryKeyConstraint('article_id', 'topic_id', name=op.f('pk_kb_article_topic'))
    )
    with op.batch_alter_table('kb_article_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_article_topic_topic_id'), ['topic_id'], unique=False)
    # The full-text index (FTS5 table and triggers / tsvector column and GIN index): store/kb_index.py
    kb_index.create_kb_index(op.get_bind())


def downgrade() -> None:
    kb_index.drop_kb_index(op.get_bind())
    with op.batch_alter_table('kb_article_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_article_topic_topic_id'))

    op.drop_table('kb_article_topic')
    op.drop_table('kb_article_text')
    with op.batch_alter_table('inquiry_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_article_article_id'))

    op.drop_table('inquiry_article')
    with op.batch_alter_table('kb_article', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_article_status_usage')

    op.drop_table('kb_article')
