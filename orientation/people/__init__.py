"""People accompanied (personnes accompagnées): file, consent and needs per volet."""
