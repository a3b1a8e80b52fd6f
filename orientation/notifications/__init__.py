"""Notifications: the outbox of e-mails and SMS, their delivery by the worker, digests, working days."""
