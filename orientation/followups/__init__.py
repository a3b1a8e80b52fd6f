"""The follow-up engine: every reminder and follow-up, declared as rules, claimed once, sent by one sweep.

An area declares its rules (`rules.Rule`: which subjects, due how long after which timestamp, in
working or calendar days, with a per-service override, to whom, with which template) and its
delays (`rules.Delay`: one setting each, default from the environment) in its own package, and
registers them with `rules.register()` when that module is imported (the area's blueprint imports
it, so the app and the worker both have every rule). The engine imports no higher area.

- *One claim.* A rule fires once per occurrence: the occurrence is the value of the timestamp the
  delay counts from (sent_at, last_activity_at…), so a rule counted from a timestamp that moves
  (the last activity) fires again after it moves. The sweep claims by inserting
  `(rule, subject_id, occurrence)` into `follow_ups_sent` (INSERT … ON CONFLICT DO NOTHING
  RETURNING) in the transaction that writes the outbox messages: of two sweeps at once, one wins
  each row; the other waits for its commit and then finds it taken.
- *One sweep* (`sweep.run_sweep`, the beat task `followups.sweep` in worker/schedule.py): for each
  rule, one indexed SELECT of the due subjects not yet claimed (at most FOLLOWUP_BATCH, oldest
  first), the exact due date in Python where it needs the calendar of working days, one INSERT of
  the claims, one load of the claimed subjects, one INSERT of their messages.
- *Delays are settings* (config.py, `FOLLOWUP_*`); a rule's delay may be overridden per service
  (`overrides`: the table is owned by the area that registers it, the referrals area).

An area declares a rule in its own `followups.py` (imported by its blueprint), e.g.:

    STALLED = Delay("cpam.stalled", "FOLLOWUP_MAS_STALLED_DAYS", Unit.DAYS)  # + the setting in config.py
    register(
        Rule(
            "cpam.stalled",
            MasCase,
            since=MasCase.last_progress_at,  # counted from; a new value is a new occurrence
            delay=STALLED,
            where=lambda now: [MasCase.stage != CaseStage.CLOSED],
            notices=(Notice("mas_stalled", team, "mas:{id}:stalled:{occurrence:%Y%m%d%H%M%S}", SubjectType.MAS_CASE),),
            context=lambda case, recipient, due: {"case": case, "recipient": recipient.user},
        )
    )
"""
