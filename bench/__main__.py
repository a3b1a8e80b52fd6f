"""`python -m bench` runs every benchmark; `python -m bench NAME [NAME…]` runs some.

Each benchmark is a module with a `run()` function that prints one JSON line; add yours to BENCHMARKS.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "directory": "bench.directory_search",
    "delivery": "bench.delivery",
    "inbox": "bench.inbox",
    "reminder_sweep": "bench.reminder_sweep",
    "dashboard": "bench.dashboard",
    "api_feeds": "bench.api_feeds",
    "health": "bench.health",
    "directory_import": "bench.directory_import",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"Benchmarks inconnus : {', '.join(unknown)} (disponibles : {', '.join(BENCHMARKS)})", file=sys.stderr)
        return 2
    for name in names:
        importlib.import_module(BENCHMARKS[name]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
