"""The README's layout section is generated from the tree (scripts/readme_layout.py), so it cannot go stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_layout():
    spec = importlib.util.spec_from_file_location("readme_layout", ROOT / "scripts" / "readme_layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_layout_is_the_tree():
    readme_layout = _readme_layout()
    block = readme_layout.layout()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_layout.replace_block(readme, block) == readme, (
        "README.md's '## Layout' block is stale: run `python scripts/readme_layout.py --write`"
    )


def test_every_area_says_what_it_is():
    undescribed = [line.split()[0] for line in _readme_layout().layout().splitlines() if len(line.split()) == 1]
    assert not undescribed, f"add a one-line docstring to the __init__.py of: {undescribed}"
