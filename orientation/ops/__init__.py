"""Operations: backups and their restore check, metrics for monitoring."""
