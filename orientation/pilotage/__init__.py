"""Pilotage du Schéma: steering figures without personal data (rolled-up tables, dashboards, exports)."""
