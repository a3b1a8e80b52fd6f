"""RGPD: the person's rights (export, what was shared, erasure) and the retention of data."""
