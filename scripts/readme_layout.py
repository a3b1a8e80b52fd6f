"""Print the README's `## Layout` block from the tree: one line per top-level folder and per area.

    python scripts/readme_layout.py           # print the block
    python scripts/readme_layout.py --write   # replace the block in README.md

A package's line is the first line of its `__init__.py` docstring (read, not imported), so the
layout follows the code: a new area shows up once it has a docstring. Folders that are not Python
packages take their line from NON_PACKAGES; the application's cross-cutting kernels (KERNELS, when
they exist) are listed from their module docstring. tests/test_readme.py checks that README.md is
up to date.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
APPLICATION = "orientation"
TOP_LEVEL = ["orientation", "worker", "migrations", "tests", "bench", "scripts"]
NON_PACKAGES = {
    "orientation/templates": "DSFR templates, one folder per area (templates/<area>/), and the shared layout",
    "orientation/static": "CSS and JS; vendor assets (DSFR, Leaflet) copied from npm by `make static`",
    "migrations": "Alembic (Flask-Migrate), PostgreSQL only: reviewed revisions, each with a downgrade",
    "scripts": "shell and Python helpers for `make run`, `make test` and this README",
}
# Modules of the application that every area builds on ("one of each", ../shared/STYLE.md).
KERNELS = ["statemachine.py", "signals.py", "personal_data.py"]
COLUMN = 24  # descriptions start here, so a new line does not shift the others


def summary(path: Path) -> str:
    """The first line of the package's (or module's) docstring, or the fixed line of a non-package folder."""
    relative = path.relative_to(ROOT).as_posix()
    if relative in NON_PACKAGES:
        return NON_PACKAGES[relative]
    source = path if path.suffix == ".py" else path / "__init__.py"
    docstring = ast.get_docstring(ast.parse(source.read_text(encoding="utf-8"))) if source.exists() else None
    return docstring.strip().splitlines()[0].strip().rstrip(".") if docstring else ""


def line(name: str, description: str, indent: str = "") -> str:
    label = f"{indent}{name}" if name.endswith(".py") else f"{indent}{name}/"
    return f"{label.ljust(COLUMN - 1)} {description}".rstrip()


def is_listed(folder: Path) -> bool:
    if not folder.is_dir() or folder.name.startswith((".", "_")):
        return False
    return (folder / "__init__.py").exists() or folder.relative_to(ROOT).as_posix() in NON_PACKAGES


def layout() -> str:
    lines = []
    for top in TOP_LEVEL:
        folder = ROOT / top
        if not folder.is_dir():
            continue
        lines.append(line(top, summary(folder)))
        if top == APPLICATION:
            kernels = [folder / name for name in KERNELS if (folder / name).exists()]
            lines.extend(line(path.name, summary(path), indent="  ") for path in kernels)
            areas = sorted(path for path in folder.iterdir() if is_listed(path))
            packages = [path for path in areas if (path / "__init__.py").exists()]
            others = [path for path in areas if path not in packages]
            lines.extend(line(path.name, summary(path), indent="  ") for path in packages + others)
    return "\n".join(lines) + "\n"


def replace_block(readme: str, block: str) -> str:
    """The README with the first fenced block after `## Layout` replaced by `block`."""
    head, heading, tail = readme.partition("\n## Layout\n")
    if not heading:
        raise ValueError("README.md has no '## Layout' section")
    before, fence, rest = tail.partition("```\n")
    _, closing, after = rest.partition("```\n")
    if not fence or not closing:
        raise ValueError("the '## Layout' section has no ``` block")
    return head + heading + before + fence + block + closing + after


def main(argv: list[str]) -> None:
    block = layout()
    if "--write" in argv:
        README.write_text(replace_block(README.read_text(encoding="utf-8"), block), encoding="utf-8")
    else:
        sys.stdout.write(block)


if __name__ == "__main__":
    main(sys.argv[1:])
