"""Shared directory of services (data·inclusion v1 compatible): search, map, imports and exports."""
