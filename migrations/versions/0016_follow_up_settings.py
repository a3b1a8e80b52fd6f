"""follow-up engine: one table of sent follow-ups (the claims), per-service delays owned by referrals

Replaces the claims of the two former engines — `orientation_reminders`, `appointments.reminder_sent_at`,
`mas_cases.no_contact_alerted_at` / `stalled_alerted_for` — by `follow_ups_sent` (rule, subject id,
occurrence: the value of the timestamp the rule counts from), and the delay columns of `services`
by `service_follow_up_settings` (one row per service and overridden delay). Existing values move.

Revision ID: 0016_follow_up_settings
Revises: 0015_service_change_indexes
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0016_follow_up_settings'
down_revision = '0015_service_change_indexes'
branch_labels = None
depends_on = None

# services column -> delay name (orientation.referrals.followups)
SERVICE_DELAYS = {
    'reminder_unopened_days': 'referrals.unopened',
    'reminder_undecided_days': 'referrals.undecided',
    'expiry_days': 'referrals.expiry',
}
# orientation_reminders key -> (rule, the orientation's timestamp the rule counts from)
ORIENTATION_RULES = {
    'unopened': ('referrals.unopened', 'sent_at'),
    'undecided': ('referrals.undecided', 'decision_due_at'),
    'obtained-check': ('referrals.obtained_check', 'closed_at'),
}


def upgrade():
    op.create_table('follow_ups_sent',
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=False),
    sa.Column('occurrence', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('rule', 'subject_id', 'occurrence', name=op.f('pk_follow_ups_sent'))
    )
    op.create_table('service_follow_up_settings',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('delay', sa.String(length=80), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.CheckConstraint('days > 0', name=op.f('ck_service_follow_up_settings_days_positive')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_follow_up_settings_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'delay', name=op.f('pk_service_follow_up_settings'))
    )

    for column, delay in SERVICE_DELAYS.items():
        op.execute(
            f"INSERT INTO service_follow_up_settings (service_id, delay, days) "
            f"SELECT id, '{delay}', {column} FROM services WHERE {column} IS NOT NULL"
        )
    insert = "INSERT INTO follow_ups_sent (rule, subject_id, occurrence, sent_at) "
    for key, (rule, since) in ORIENTATION_RULES.items():
        op.execute(
            insert + f"SELECT '{rule}', o.id, o.{since}, r.created_at FROM orientation_reminders r "
            f"JOIN orientations o ON o.id = r.orientation_id WHERE r.key = '{key}' AND o.{since} IS NOT NULL"
        )
    # A stalled follow-up counts for the last activity it followed up: only those made since still matter.
    op.execute(
        insert + "SELECT 'referrals.stalled', o.id, o.last_activity_at, MAX(r.created_at) FROM orientation_reminders r "
        "JOIN orientations o ON o.id = r.orientation_id "
        "WHERE r.key LIKE 'stalled:%' AND r.created_at > o.last_activity_at GROUP BY o.id, o.last_activity_at"
    )
    op.execute(
        insert + "SELECT 'referrals.appointment', id, starts_at, reminder_sent_at FROM appointments "
        "WHERE reminder_sent_at IS NOT NULL"
    )
    op.execute(
        insert + "SELECT 'cpam.no_first_contact', id, filed_at, no_contact_alerted_at FROM mas_cases "
        "WHERE no_contact_alerted_at IS NOT NULL"
    )
    op.execute(
        insert + "SELECT 'cpam.stalled', id, stalled_alerted_for, stalled_alerted_for FROM mas_cases "
        "WHERE stalled_alerted_for IS NOT NULL"
    )

    op.drop_table('orientation_reminders')
    for column in SERVICE_DELAYS:
        op.drop_constraint(op.f(f'ck_services_{column}_positive'), 'services', type_='check')
    for column in SERVICE_DELAYS:
        op.drop_column('services', column)
    op.drop_column('appointments', 'reminder_sent_at')
    op.drop_column('mas_cases', 'stalled_alerted_for')
    op.drop_column('mas_cases', 'no_contact_alerted_at')


def downgrade():
    op.add_column('mas_cases', sa.Column('no_contact_alerted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('mas_cases', sa.Column('stalled_alerted_for', sa.DateTime(timezone=True), nullable=True))
    op.add_column('appointments', sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True))
    for column in SERVICE_DELAYS:
        op.add_column('services', sa.Column(column, sa.Integer(), nullable=True))
    for column in SERVICE_DELAYS:
        op.create_check_constraint(f'{column}_positive', 'services', f'{column} IS NULL OR {column} > 0')
    op.create_table('orientation_reminders',
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_orientation_reminders_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('orientation_id', 'key', name=op.f('pk_orientation_reminders'))
    )

    for column, delay in SERVICE_DELAYS.items():
        op.execute(
            f"UPDATE services SET {column} = (SELECT days FROM service_follow_up_settings s "
            f"WHERE s.service_id = services.id AND s.delay = '{delay}')"
        )
    for key, (rule, _since) in ORIENTATION_RULES.items():
        op.execute(
            f"INSERT INTO orientation_reminders (orientation_id, key, created_at) "
            f"SELECT f.subject_id, '{key}', MIN(f.sent_at) FROM follow_ups_sent f "
            f"JOIN orientations o ON o.id = f.subject_id WHERE f.rule = '{rule}' GROUP BY f.subject_id"
        )
    # The old key named the activity followed up; its claim counted from its creation.
    op.execute(
        "INSERT INTO orientation_reminders (orientation_id, key, created_at) "
        "SELECT f.subject_id, 'stalled:migrated', MAX(f.sent_at) FROM follow_ups_sent f "
        "JOIN orientations o ON o.id = f.subject_id WHERE f.rule = 'referrals.stalled' GROUP BY f.subject_id"
    )
    op.execute(
        "UPDATE appointments SET reminder_sent_at = (SELECT MIN(f.sent_at) FROM follow_ups_sent f "
        "WHERE f.rule = 'referrals.appointment' AND f.subject_id = appointments.id)"
    )
    op.execute(
        "UPDATE mas_cases SET no_contact_alerted_at = (SELECT MIN(f.sent_at) FROM follow_ups_sent f "
        "WHERE f.rule = 'cpam.no_first_contact' AND f.subject_id = mas_cases.id), "
        "stalled_alerted_for = (SELECT MAX(f.occurrence) FROM follow_ups_sent f "
        "WHERE f.rule = 'cpam.stalled' AND f.subject_id = mas_cases.id)"
    )

    op.drop_table('service_follow_up_settings')
    op.drop_table('follow_ups_sent')
