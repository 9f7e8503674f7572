"""work_orders: technicians (region, working calendar) and work orders with their time, material and expense lines

Revision ID: 0045
Revises: 0044
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0045'
down_revision = '0044'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('technician',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendar.id'], name=op.f('fk_technician_calendar_id_calendar')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_technician_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_technician'))
    )
    with op.batch_alter_table('technician', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technician_region'), ['region'], unique=False)

    op.create_table('work_order',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('tasks', sa.JSON(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('visit_on', sa.Date(), nullable=False),
    sa.Column('window_from', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('window_to', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('dispatched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('accepted_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('accepted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_work_order_inquiry_id_inquiry')),
    sa.ForeignKeyConstraint(['technician_id'], ['app_user.id'], name=op.f('fk_work_order_technician_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order'))
    )
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_order_inquiry_id'), ['inquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_order_state'), ['state'], unique=False)
        batch_op.create_index('ix_work_order_technician_day', ['technician_id', 'visit_on'], unique=False)

    op.create_table('work_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_work_order_line_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order_line'))
    )
    with op.batch_alter_table('work_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_order_line_work_order_id'), ['work_order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('work_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_order_line_work_order_id'))

    op.drop_table('work_order_line')
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.drop_index('ix_work_order_technician_day')
        batch_op.drop_index(batch_op.f('ix_work_order_state'))
        batch_op.drop_index(batch_op.f('ix_work_order_inquiry_id'))

    op.drop_table('work_order')
    with op.batch_alter_table('technician', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technician_region'))

    op.drop_table('technician')
