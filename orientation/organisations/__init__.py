"""Organisations (the structures users work for): members, managers, invitations."""
