"""Every periodic job of the product, in one place (the beat process reads only this)."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Re-queue outbox messages whose task was lost, retries that came due, scheduled reminders. Every
    # 15 s: with 40 s claims (NOTIFICATIONS_CLAIM_TIMEOUT) a dead worker's messages go out within a
    # minute, and messages refused by a broker that was down go out within 15 s of its return.
    "notifications-sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 15.0},
    # Every reminder and follow-up (orientation.followups: the rules of referrals and cpam): orientations
    # not opened, not decided, expired, stalled, rendez-vous, "service obtained?"; MAS cases without
    # first contact, stalled, closed outside (working days, Europe/Paris).
    "followups-sweep": {"task": "followups.sweep", "schedule": 300.0},
    # Steering figures: recompute the months touched since the last refresh; a full rebuild each night.
    "pilotage-refresh-facts": {"task": "pilotage.refresh_facts", "schedule": 600.0},
    "pilotage-rebuild-facts": {
        "task": "pilotage.refresh_facts",
        "schedule": crontab(hour=3, minute=30),
        "kwargs": {"full": True},
    },
    # The offer (services per EPCI, each commune's distance to the nearest service of each volet).
    "pilotage-refresh-offer": {"task": "pilotage.refresh_offer", "schedule": 600.0},
    # Directory searches kept for the pilotage (what was searched, not who): 13 months.
    "pilotage-forget-old-searches": {"task": "pilotage.forget_old_searches", "schedule": crontab(hour=3, minute=45)},
    # One e-mail per day for the structures that chose the digest (timezone: Europe/Paris).
    "notifications-send-digests": {"task": "notifications.send_digests", "schedule": crontab(hour=8, minute=0)},
    # RGPD retention: anonymise files inactive for 24 months, warn then deactivate unused accounts.
    "rgpd-apply-retention": {"task": "rgpd.apply_retention", "schedule": crontab(hour=3, minute=30)},
    # The directory pulls the data·inclusion API (DATA_INCLUSION_DEPARTEMENTS) once a night.
    "directory-sync-data-inclusion": {
        "task": "directory.sync_data_inclusion",
        "schedule": crontab(hour=4, minute=15),
    },
    # Import runs left « en cours » by a worker that died (nothing was written: say so), and previews
    # never applied (their uploaded file is deleted after DIRECTORY_IMPORT_PREVIEW_DAYS).
    "directory-tidy-import-runs": {"task": "directory.tidy_import_runs", "schedule": 600.0},
}
