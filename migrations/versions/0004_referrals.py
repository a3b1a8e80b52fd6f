"""people, consents, needs, orientations and their events, comments, appointments, access log

Revision ID: 0004_referrals
Revises: 0003_notifications
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0004_referrals'
down_revision = '0003_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=250), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('contact_preference', sa.Enum('sms', 'email', 'phone', 'post', 'no_direct_contact', name='contact_preference', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('situation', sa.JSON(), nullable=False),
    sa.Column('referent_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code_insee'], name=op.f('fk_people_commune_code_communes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_people_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['referent_id'], ['users.id'], name=op.f('fk_people_referent_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    op.create_index('ix_people_organisation_name_key', 'people', ['organisation_id', 'name_key', 'birth_date'], unique=False)

    op.create_table('person_access_logs',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_person_access_logs_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_person_access_logs_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_access_logs'))
    )
    op.create_index('ix_person_access_logs_person_at', 'person_access_logs', ['person_id', 'at'], unique=False)
    op.create_index('ix_person_access_logs_user_at', 'person_access_logs', ['user_id', 'at'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('collected_by_id', sa.Integer(), nullable=True),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.Enum('oral', 'written', name='consent_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_note', sa.Text(), nullable=True),
    sa.CheckConstraint('withdrawn_at IS NOT NULL OR withdrawn_by_id IS NULL', name=op.f('ck_consents_withdrawal_consistent')),
    sa.ForeignKeyConstraint(['collected_by_id'], ['users.id'], name=op.f('fk_consents_collected_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_consents_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_consents_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_consents_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    op.create_index(op.f('ix_consents_person_id'), 'consents', ['person_id'], unique=False)

    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('volet', sa.Enum('numerique', 'sante', 'mobilite', name='need_volet', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('code', sa.Enum('numerique_equipement', 'numerique_connexion', 'numerique_usages_base', 'numerique_demarches', 'numerique_aidant_connect', 'numerique_tarif_social', 'numerique_reconditionne', 'sante_medecin_traitant', 'sante_renoncement', 'sante_droits', 'sante_enfants', 'sante_situation_complexe', 'mobilite_permis', 'mobilite_vehicule', 'mobilite_cout', 'mobilite_transport', 'mobilite_reduite', 'mobilite_trajet', name='need_code', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('open', 'met', 'partly_met', 'not_met', 'no_longer_needed', name='need_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name=op.f('ck_needs_closed_when_not_open')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_needs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_needs_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs'))
    )
    op.create_index(op.f('ix_needs_person_id'), 'needs', ['person_id'], unique=False)

    op.create_table('orientations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('sender_organisation_id', sa.Integer(), nullable=False),
    sa.Column('sender_user_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('receiver_organisation_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('volet', sa.Enum('numerique', 'sante', 'mobilite', name='orientation_volet', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('draft', 'sent', 'received', 'accepted', 'declined', 'redirected', 'in_progress', 'completed', 'abandoned', 'cancelled', 'expired', name='orientation_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('urgency', sa.Enum('normal', 'soon', 'urgent', name='orientation_urgency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('shared_fields', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Enum('met', 'partly_met', 'not_met', name='orientation_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('redirected_to_service_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'completed') = (outcome IS NOT NULL)", name=op.f('ck_orientations_outcome_iff_completed')),
    sa.CheckConstraint("(status IN ('abandoned', 'cancelled', 'completed', 'declined', 'expired', 'redirected')) = (closed_at IS NOT NULL)", name=op.f('ck_orientations_closed_at_iff_closed')),
    sa.CheckConstraint("status = 'draft' OR status = 'cancelled' OR sent_at IS NOT NULL", name=op.f('ck_orientations_sent_at_set')),
    sa.CheckConstraint('version > 0', name=op.f('ck_orientations_version_positive')),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_orientations_consent_id_consents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_orientations_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receiver_organisation_id'], ['organisations.id'], name=op.f('fk_orientations_receiver_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['redirected_to_service_id'], ['services.id'], name=op.f('fk_orientations_redirected_to_service_id_services'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sender_organisation_id'], ['organisations.id'], name=op.f('fk_orientations_sender_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sender_user_id'], ['users.id'], name=op.f('fk_orientations_sender_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_orientations_service_id_services'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orientations'))
    )
    op.create_index(op.f('ix_orientations_consent_id'), 'orientations', ['consent_id'], unique=False)
    op.create_index('ix_orientations_person_created', 'orientations', ['person_id', 'created_at'], unique=False)
    op.create_index('ix_orientations_receiver_closed_activity', 'orientations', ['receiver_organisation_id', 'last_activity_at', 'id'], unique=False, postgresql_where=sa.text("status IN ('abandoned', 'cancelled', 'completed', 'declined', 'expired', 'redirected')"))
    op.create_index('ix_orientations_receiver_ongoing_activity', 'orientations', ['receiver_organisation_id', 'last_activity_at', 'id'], unique=False, postgresql_where=sa.text("status IN ('accepted', 'in_progress')"))
    op.create_index('ix_orientations_receiver_status_activity', 'orientations', ['receiver_organisation_id', 'status', 'last_activity_at', 'id'], unique=False)
    op.create_index('ix_orientations_receiver_undecided_due', 'orientations', ['receiver_organisation_id', 'decision_due_at'], unique=False, postgresql_where=sa.text("status IN ('received', 'sent')"))
    op.create_index('ix_orientations_sender_activity', 'orientations', ['sender_organisation_id', 'last_activity_at', 'id'], unique=False)
    op.create_index('ix_orientations_sender_status_activity', 'orientations', ['sender_organisation_id', 'status', 'last_activity_at', 'id'], unique=False)
    op.create_index(op.f('ix_orientations_service_id'), 'orientations', ['service_id'], unique=False)
    op.create_index('ix_orientations_status_activity', 'orientations', ['status', 'last_activity_at'], unique=False)
    op.create_index('ix_orientations_status_expires_at', 'orientations', ['status', 'expires_at'], unique=False)
    op.create_index('ix_orientations_status_received_at', 'orientations', ['status', 'received_at'], unique=False)
    op.create_index('ix_orientations_status_sent_at', 'orientations', ['status', 'sent_at'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.Enum('in_person', 'phone', 'video', name='appointment_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reminder_agreed', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'done', 'missed', 'cancelled', name='appointment_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_appointments_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_appointments_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    op.create_index('ix_appointments_orientation_starts', 'appointments', ['orientation_id', 'starts_at'], unique=False)
    op.create_index('ix_appointments_status_starts', 'appointments', ['status', 'starts_at'], unique=False)

    op.create_table('orientation_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('sender', 'receiver', 'system', name='comment_side', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_orientation_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_orientation_comments_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_orientation_comments_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orientation_comments'))
    )
    op.create_index('ix_orientation_comments_orientation_created', 'orientation_comments', ['orientation_id', 'created_at'], unique=False)

    op.create_table('orientation_events',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_organisation_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.Enum('sender', 'receiver', 'system', name='event_side', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'sent', 'received', 'accepted', 'declined', 'redirected', 'in_progress', 'completed', 'abandoned', 'cancelled', 'expired', name='event_from_status', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_status', sa.Enum('draft', 'sent', 'received', 'accepted', 'declined', 'redirected', 'in_progress', 'completed', 'abandoned', 'cancelled', 'expired', name='event_to_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Enum('not_eligible', 'full', 'wrong_service', 'unreachable', 'did_not_come', 'person_refused', 'no_longer_needed', 'duplicate', 'sent_by_mistake', 'consent_withdrawn', 'no_answer', 'other', name='event_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Enum('met', 'partly_met', 'not_met', name='event_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_organisation_id'], ['organisations.id'], name=op.f('fk_orientation_events_actor_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_orientation_events_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_orientation_events_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orientation_events'))
    )
    op.create_index('ix_orientation_events_orientation_at', 'orientation_events', ['orientation_id', 'at'], unique=False)

    op.create_table('orientation_needs',
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_orientation_needs_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_orientation_needs_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('orientation_id', 'need_id', name=op.f('pk_orientation_needs'))
    )
    op.create_index(op.f('ix_orientation_needs_need_id'), 'orientation_needs', ['need_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_orientation_needs_need_id'), table_name='orientation_needs')

    op.drop_table('orientation_needs')
    op.drop_index('ix_orientation_events_orientation_at', table_name='orientation_events')

    op.drop_table('orientation_events')
    op.drop_index('ix_orientation_comments_orientation_created', table_name='orientation_comments')

    op.drop_table('orientation_comments')
    op.drop_index('ix_appointments_status_starts', table_name='appointments')
    op.drop_index('ix_appointments_orientation_starts', table_name='appointments')

    op.drop_table('appointments')
    op.drop_index('ix_orientations_status_sent_at', table_name='orientations')
    op.drop_index('ix_orientations_status_received_at', table_name='orientations')
    op.drop_index('ix_orientations_status_expires_at', table_name='orientations')
    op.drop_index('ix_orientations_status_activity', table_name='orientations')
    op.drop_index(op.f('ix_orientations_service_id'), table_name='orientations')
    op.drop_index('ix_orientations_sender_status_activity', table_name='orientations')
    op.drop_index('ix_orientations_sender_activity', table_name='orientations')
    op.drop_index('ix_orientations_receiver_undecided_due', table_name='orientations', postgresql_where=sa.text("status IN ('received', 'sent')"))
    op.drop_index('ix_orientations_receiver_status_activity', table_name='orientations')
    op.drop_index('ix_orientations_receiver_ongoing_activity', table_name='orientations', postgresql_where=sa.text("status IN ('accepted', 'in_progress')"))
    op.drop_index('ix_orientations_receiver_closed_activity', table_name='orientations', postgresql_where=sa.text("status IN ('abandoned', 'cancelled', 'completed', 'declined', 'expired', 'redirected')"))
    op.drop_index('ix_orientations_person_created', table_name='orientations')
    op.drop_index(op.f('ix_orientations_consent_id'), table_name='orientations')

    op.drop_table('orientations')
    op.drop_index(op.f('ix_needs_person_id'), table_name='needs')

    op.drop_table('needs')
    op.drop_index(op.f('ix_consents_person_id'), table_name='consents')

    op.drop_table('consents')
    op.drop_index('ix_person_access_logs_user_at', table_name='person_access_logs')
    op.drop_index('ix_person_access_logs_person_at', table_name='person_access_logs')

    op.drop_table('person_access_logs')
    op.drop_index('ix_people_organisation_name_key', table_name='people')

    op.drop_table('people')
