"""Directory tests: fixtures and the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def shared_dir() -> Path:
    return Path(os.environ.get("ORIENTATION_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared")
