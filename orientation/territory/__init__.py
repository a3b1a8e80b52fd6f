"""Communes and EPCI of Vaucluse (reference tables)."""
