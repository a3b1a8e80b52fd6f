"""Which tables hold data of a person: those with a foreign-key path to `people` (the metadata says)."""

from __future__ import annotations

import sqlalchemy as sa


def tables_linked_to_people(metadata: sa.MetaData) -> set[str]:
    """Every table that reaches `people` by foreign keys (directly, or via orientations, needs, cases…)."""
    linked = {"people"}
    changed = True
    while changed:
        changed = False
        for table in metadata.tables.values():
            if table.name in linked:
                continue
            if any(key.column.table.name in linked for key in table.foreign_keys):
                linked.add(table.name)
                changed = True
    return linked
