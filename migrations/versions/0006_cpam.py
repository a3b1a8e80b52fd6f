"""CPAM: Mission d'Accompagnement en Santé cases, teams, steps, events, médecin traitant declarations

Revision ID: 0006_cpam
Revises: 0005_referral_reminders
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_cpam'
down_revision = '0005_referral_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mas_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_mas_teams_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_mas_teams_service_id_services'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mas_teams')),
    sa.UniqueConstraint('service_id', name=op.f('uq_mas_teams_service_id'))
    )
    op.create_index(op.f('ix_mas_teams_organisation_id'), 'mas_teams', ['organisation_id'], unique=False)

    op.create_table('mas_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('sender_organisation_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('other_care', sa.String(length=200), nullable=True),
    sa.Column('other_reason', sa.String(length=200), nullable=True),
    sa.Column('urgency', sa.Enum('normal', 'soon', 'urgent', name='mas_case_urgency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('call_slots', sa.JSON(), nullable=False),
    sa.Column('call_channel', sa.Enum('phone', 'sms', 'email', 'via_detector', name='mas_call_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('stage', sa.Enum('new', 'contacting', 'unreachable', 'rights_review', 'practitioner_search', 'financial_arrangement', 'follow_up', 'closed', name='mas_case_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('waiting_on_person', sa.Boolean(), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('practitioner_service_ids', sa.JSON(), nullable=False),
    sa.Column('practitioner_note', sa.Text(), nullable=True),
    sa.Column('financial_aids', sa.JSON(), nullable=False),
    sa.Column('financial_note', sa.Text(), nullable=True),
    sa.Column('care_planned_on', sa.Date(), nullable=True),
    sa.Column('follow_up_note', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Enum('care_done_fully', 'care_done_partly', 'reoriented', 'abandoned', 'unreachable', 'not_eligible', 'no_follow_up', name='mas_case_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('closure_reason', sa.Text(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_progress_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('no_contact_alerted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stalled_alerted_for', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(stage = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_mas_cases_closed_at_iff_closed')),
    sa.CheckConstraint("(stage = 'closed') = (outcome IS NOT NULL)", name=op.f('ck_mas_cases_outcome_iff_closed')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('care_done_fully', 'care_done_partly') OR closure_reason IS NOT NULL", name=op.f('ck_mas_cases_reason_unless_care_done')),
    sa.CheckConstraint('failed_attempts >= 0', name=op.f('ck_mas_cases_failed_attempts_not_negative')),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_mas_cases_assigned_to_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code_insee'], name=op.f('fk_mas_cases_commune_code_communes')),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_mas_cases_consent_id_consents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_mas_cases_filed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_mas_cases_orientation_id_orientations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_mas_cases_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_organisation_id'], ['organisations.id'], name=op.f('fk_mas_cases_sender_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['mas_teams.id'], name=op.f('fk_mas_cases_team_id_mas_teams'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mas_cases')),
    sa.UniqueConstraint('orientation_id', name=op.f('uq_mas_cases_orientation_id'))
    )
    op.create_index(op.f('ix_mas_cases_person_id'), 'mas_cases', ['person_id'], unique=False)
    op.create_index('ix_mas_cases_sender_filed', 'mas_cases', ['sender_organisation_id', 'filed_at'], unique=False)
    op.create_index('ix_mas_cases_stage_filed', 'mas_cases', ['stage', 'filed_at'], unique=False)
    op.create_index('ix_mas_cases_team_stage_activity', 'mas_cases', ['team_id', 'stage', 'last_progress_at'], unique=False)

    op.create_table('medecin_traitant_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code_insee'], name=op.f('fk_medecin_traitant_declarations_commune_code_communes')),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_medecin_traitant_declarations_declared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_medecin_traitant_declarations_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_medecin_traitant_declarations_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_medecin_traitant_declarations_orientation_id_orientations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_medecin_traitant_declarations_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medecin_traitant_declarations')),
    sa.UniqueConstraint('need_id', name=op.f('uq_medecin_traitant_declarations_need_id'))
    )
    op.create_index(op.f('ix_medecin_traitant_declarations_person_id'), 'medecin_traitant_declarations', ['person_id'], unique=False)

    op.create_table('mas_case_care_kinds',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('dentaire', 'optique', 'audition', 'specialiste', 'generaliste', 'soins_courants', 'other', name='mas_care_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mas_cases.id'], name=op.f('fk_mas_case_care_kinds_case_id_mas_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'kind', name=op.f('pk_mas_case_care_kinds'))
    )
    op.create_table('mas_case_events',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('filed', 'opened', 'contact_failed', 'contact_made', 'unreachable', 'stage_changed', 'rights_updated', 'practitioners_found', 'financing_recorded', 'follow_up_recorded', 'waiting_on_person', 'resumed', 'closed', name='mas_event_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('stage', sa.Enum('new', 'contacting', 'unreachable', 'rights_review', 'practitioner_search', 'financial_arrangement', 'follow_up', 'closed', name='mas_event_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('public_detail', sa.String(length=500), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_mas_case_events_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['mas_cases.id'], name=op.f('fk_mas_case_events_case_id_mas_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mas_case_events'))
    )
    op.create_index('ix_mas_case_events_case_at', 'mas_case_events', ['case_id', 'at'], unique=False)

    op.create_table('mas_case_reasons',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('reste_a_charge', 'no_complementaire', 'rights_not_open', 'distance', 'waiting_time', 'no_medecin_traitant', 'system_not_understood', 'fear', 'other', name='mas_reason', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mas_cases.id'], name=op.f('fk_mas_case_reasons_case_id_mas_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'reason', name=op.f('pk_mas_case_reasons'))
    )
    op.create_table('mas_contact_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('phone', 'sms', 'email', 'via_detector', name='mas_attempt_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_mas_contact_attempts_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['mas_cases.id'], name=op.f('fk_mas_contact_attempts_case_id_mas_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mas_contact_attempts'))
    )
    op.create_index('ix_mas_contact_attempts_case_at', 'mas_contact_attempts', ['case_id', 'at'], unique=False)

    op.create_table('mas_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_mas_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['mas_cases.id'], name=op.f('fk_mas_notes_case_id_mas_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mas_notes'))
    )
    op.create_index('ix_mas_notes_case_created', 'mas_notes', ['case_id', 'created_at'], unique=False)

    op.create_table('mas_right_reviews',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('right', sa.Enum('css', 'ame', 'puma', 'ald', 'complementaire', 'invalidite', name='mas_right_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('to_check', 'already_open', 'opened', 'in_progress', 'not_eligible', name='mas_right_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mas_cases.id'], name=op.f('fk_mas_right_reviews_case_id_mas_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_mas_right_reviews_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('case_id', 'right', name=op.f('pk_mas_right_reviews'))
    )


def downgrade():
    op.drop_table('mas_right_reviews')
    op.drop_index('ix_mas_notes_case_created', table_name='mas_notes')

    op.drop_table('mas_notes')
    op.drop_index('ix_mas_contact_attempts_case_at', table_name='mas_contact_attempts')

    op.drop_table('mas_contact_attempts')
    op.drop_table('mas_case_reasons')
    op.drop_index('ix_mas_case_events_case_at', table_name='mas_case_events')

    op.drop_table('mas_case_events')
    op.drop_table('mas_case_care_kinds')
    op.drop_index(op.f('ix_medecin_traitant_declarations_person_id'), table_name='medecin_traitant_declarations')

    op.drop_table('medecin_traitant_declarations')
    op.drop_index('ix_mas_cases_team_stage_activity', table_name='mas_cases')
    op.drop_index('ix_mas_cases_stage_filed', table_name='mas_cases')
    op.drop_index('ix_mas_cases_sender_filed', table_name='mas_cases')
    op.drop_index(op.f('ix_mas_cases_person_id'), table_name='mas_cases')

    op.drop_table('mas_cases')
    op.drop_index(op.f('ix_mas_teams_organisation_id'), table_name='mas_teams')

    op.drop_table('mas_teams')
