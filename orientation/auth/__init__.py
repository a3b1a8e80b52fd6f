"""Accounts and login: passwords, second factor (TOTP), ProConnect, sessions, invitations, security journal."""
