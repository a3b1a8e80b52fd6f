"""Audit trail of reads of personal data (who read which person's file, when, why)."""
