"""The import graph of orientation/: no cycle between areas, lower areas never import higher ones.

Every module is parsed with `ast`; every `import` counts, at module level and inside functions alike
(a function-level import is still a dependency, only a later one). Imports under
`if TYPE_CHECKING:` are left out: they never run (the models name each other's classes there for
their annotations; the ORM resolves relationships by name through its registry).

Layers (STYLE.md, « One of each »):
- the bottom: top-level helper modules (`orientation/db.py`, `extensions.py`, `clock.py`,
  `signals.py`…) import no area;
- lower areas (auth, organisations, territory, audit, notifications, directory, and the follow-up
  engine) never import a higher one; they learn what happens above them through `orientation.signals`;
- higher areas (people, referrals, cpam, rgpd, pilotage, api, the pages of main and attachments, and ops,
  the operations that read every area: backups, metrics);
- the composition root (the package's `create_app`, `web.py` that registers the blueprints, the
  error pages, the command line, the demo data, `models.py` that gathers the metadata) may import
  anything, and nothing in an area imports it.
And between areas, whatever their layer, no cycle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "orientation"

LOWER = {"auth", "organisations", "territory", "audit", "notifications", "directory", "followups"}
HIGHER = {"people", "referrals", "cpam", "rgpd", "pilotage", "api", "main", "attachments", "ops"}
COMPOSITION = {"orientation", "orientation.web", "orientation.errors", "orientation.cli", "orientation.models"}
COMPOSITION |= {"orientation.demo", "demo"}  # the demo data, a module or a package


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return skipped


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) of every import of this file that runs, wherever it sits."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from orientation import signals` names a module; `from orientation.x import y` its module.
            found.extend((_imported(base, alias.name), node.lineno) for alias in node.names)
    return [(name, line) for name, line in found if name == "orientation" or name.startswith("orientation.")]


def _imported(base: str, name: str) -> str:
    """The module `from base import name` loads: `name` itself when it is a module of the package."""
    if base == "orientation" and ((PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").exists()):
        return f"orientation.{name}"
    return base


def _unit(module: str) -> str:
    """The area (`cpam`), or the top-level module (`orientation.db`) for the bottom and the composition."""
    parts = module.split(".")
    if len(parts) == 1:
        return "orientation"
    if (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return f"orientation.{parts[1]}"


def _edges() -> dict[tuple[str, str], list[str]]:
    edges = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _unit(_module_name(path))
        for imported, line in _imports(path):
            target = _unit(imported)
            if target != source:
                place = f"{path.relative_to(PACKAGE.parent)}:{line}"
                if place not in edges[source, target]:
                    edges[source, target].append(place)
    return edges


def _layer(unit: str) -> str:
    if unit in COMPOSITION:
        return "composition"
    if unit.startswith("orientation"):
        return "bottom"
    if unit in LOWER:
        return "lower"
    if unit in HIGHER:
        return "higher"
    raise AssertionError(f"area {unit!r} is in no layer: add it to LOWER or HIGHER in this test")


def test_every_area_has_a_layer():
    for path in PACKAGE.iterdir():
        if path.is_dir() and (path / "__init__.py").exists():
            _layer(path.name)


def test_lower_layers_never_import_higher_ones():
    rank = {"bottom": 0, "lower": 1, "higher": 2, "composition": 3}
    wrong = [
        f"{source} ({_layer(source)}) imports {target} ({_layer(target)}): {', '.join(places)}"
        for (source, target), places in sorted(_edges().items())
        if rank[_layer(source)] < rank[_layer(target)]
    ]
    assert not wrong, "\n".join(wrong)


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan: the groups of areas that reach one another (a group of two or more is a cycle)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in sorted(graph[node]):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_cycle_between_areas():
    edges = _edges()
    graph = defaultdict(set)
    for source, target in edges:
        if _layer(source) in ("lower", "higher") and _layer(target) in ("lower", "higher"):
            graph[source].add(target)
            graph[target]
    cycles = [group for group in _strongly_connected(graph) if len(group) > 1]
    details = [
        " ⇄ ".join(group)
        + "\n"
        + "\n".join(
            f"    {source} → {target}: {', '.join(edges[source, target])}"
            for source in group
            for target in group
            if (source, target) in edges
        )
        for group in cycles
    ]
    assert not cycles, "import cycles between areas:\n" + "\n".join(details)
