"""Pilotage: rolled-up steering figures (orientations, decline reasons, delay histograms) and their refreshes

Revision ID: 0007_pilotage
Revises: 0006_cpam
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_pilotage'
down_revision = '0006_cpam'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pilotage_orientation_facts',
    sa.Column('level', sa.Enum('territory', 'sender', 'service', 'detail', name='pilotage_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('volet', sa.Enum('numerique', 'sante', 'mobilite', name='pilotage_volet', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('epci_siren', sa.String(length=9), nullable=True),
    sa.Column('sender_organisation_id', sa.Integer(), nullable=True),
    sa.Column('receiver_organisation_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('declined', sa.Integer(), nullable=False),
    sa.Column('redirected', sa.Integer(), nullable=False),
    sa.Column('expired', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.Column('abandoned', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('completed_met', sa.Integer(), nullable=False),
    sa.Column('completed_partly_met', sa.Integer(), nullable=False),
    sa.Column('completed_not_met', sa.Integer(), nullable=False),
    sa.Column('obtained_yes', sa.Integer(), nullable=False),
    sa.Column('obtained_partly', sa.Integer(), nullable=False),
    sa.Column('obtained_no', sa.Integer(), nullable=False),
    sa.Column('obtained_unknown', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['receiver_organisation_id'], ['organisations.id'], name=op.f('fk_pilotage_orientation_facts_receiver_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_organisation_id'], ['organisations.id'], name=op.f('fk_pilotage_orientation_facts_sender_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_pilotage_orientation_facts_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilotage_orientation_facts'))
    )
    op.create_index('ix_pilotage_orientation_facts_level_month', 'pilotage_orientation_facts', ['level', 'month'], unique=False)
    op.create_index('ix_pilotage_orientation_facts_level_receiver', 'pilotage_orientation_facts', ['level', 'receiver_organisation_id', 'month'], unique=False)
    op.create_index('ix_pilotage_orientation_facts_level_sender', 'pilotage_orientation_facts', ['level', 'sender_organisation_id', 'month'], unique=False)
    op.create_index('ix_pilotage_orientation_facts_level_epci', 'pilotage_orientation_facts', ['level', 'epci_siren', 'month'], unique=False)
    op.create_index('ix_pilotage_orientation_facts_level_service', 'pilotage_orientation_facts', ['level', 'service_id', 'month'], unique=False)
    op.create_index('ix_pilotage_orientation_facts_level_commune', 'pilotage_orientation_facts', ['level', 'commune_code', 'month'], unique=False)

    op.create_table('pilotage_decline_facts',
    sa.Column('level', sa.Enum('territory', 'sender', 'service', 'detail', name='pilotage_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('volet', sa.Enum('numerique', 'sante', 'mobilite', name='pilotage_volet', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('epci_siren', sa.String(length=9), nullable=True),
    sa.Column('sender_organisation_id', sa.Integer(), nullable=True),
    sa.Column('receiver_organisation_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['receiver_organisation_id'], ['organisations.id'], name=op.f('fk_pilotage_decline_facts_receiver_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_organisation_id'], ['organisations.id'], name=op.f('fk_pilotage_decline_facts_sender_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_pilotage_decline_facts_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilotage_decline_facts'))
    )
    op.create_index('ix_pilotage_decline_facts_level_month', 'pilotage_decline_facts', ['level', 'month'], unique=False)
    op.create_index('ix_pilotage_decline_facts_level_sender', 'pilotage_decline_facts', ['level', 'sender_organisation_id', 'month'], unique=False)
    op.create_index('ix_pilotage_decline_facts_level_receiver', 'pilotage_decline_facts', ['level', 'receiver_organisation_id', 'month'], unique=False)
    op.create_index('ix_pilotage_decline_facts_level_commune', 'pilotage_decline_facts', ['level', 'commune_code', 'month'], unique=False)

    op.create_table('pilotage_delay_facts',
    sa.Column('level', sa.Enum('territory', 'sender', 'service', 'detail', name='pilotage_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('volet', sa.Enum('numerique', 'sante', 'mobilite', name='pilotage_volet', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('epci_siren', sa.String(length=9), nullable=True),
    sa.Column('sender_organisation_id', sa.Integer(), nullable=True),
    sa.Column('receiver_organisation_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('to_opening', 'to_decision', 'to_first_appointment', 'to_outcome', name='pilotage_delay_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['receiver_organisation_id'], ['organisations.id'], name=op.f('fk_pilotage_delay_facts_receiver_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_organisation_id'], ['organisations.id'], name=op.f('fk_pilotage_delay_facts_sender_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_pilotage_delay_facts_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilotage_delay_facts'))
    )
    op.create_index('ix_pilotage_delay_facts_level_kind_month', 'pilotage_delay_facts', ['level', 'kind', 'month'], unique=False)
    op.create_index('ix_pilotage_delay_facts_level_service', 'pilotage_delay_facts', ['level', 'service_id', 'kind', 'month'], unique=False)
    op.create_index('ix_pilotage_delay_facts_level_receiver', 'pilotage_delay_facts', ['level', 'receiver_organisation_id', 'kind', 'month'], unique=False)
    op.create_index('ix_pilotage_delay_facts_level_sender', 'pilotage_delay_facts', ['level', 'sender_organisation_id', 'kind', 'month'], unique=False)
    op.create_index('ix_pilotage_delay_facts_level_epci', 'pilotage_delay_facts', ['level', 'epci_siren', 'kind', 'month'], unique=False)
    op.create_index('ix_pilotage_delay_facts_level_commune', 'pilotage_delay_facts', ['level', 'commune_code', 'kind', 'month'], unique=False)

    op.create_table('pilotage_refreshes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('full', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilotage_refreshes'))
    )


def downgrade():
    op.drop_table('pilotage_refreshes')
    for name in ('level_kind_month', 'level_service', 'level_receiver', 'level_sender', 'level_epci',
                 'level_commune'):
        op.drop_index(f'ix_pilotage_delay_facts_{name}', table_name='pilotage_delay_facts')
    op.drop_table('pilotage_delay_facts')
    for name in ('level_month', 'level_sender', 'level_receiver', 'level_commune'):
        op.drop_index(f'ix_pilotage_decline_facts_{name}', table_name='pilotage_decline_facts')
    op.drop_table('pilotage_decline_facts')
    for name in ('level_month', 'level_receiver', 'level_sender', 'level_epci', 'level_service', 'level_commune'):
        op.drop_index(f'ix_pilotage_orientation_facts_{name}', table_name='pilotage_orientation_facts')
    op.drop_table('pilotage_orientation_facts')
