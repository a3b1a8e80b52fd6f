"""axe-core in Chromium: WCAG 2.1 A and AA violations of the page as it is now.

axe-core comes from npm (`make static`: npm ci, a dev dependency). It is added as an init script, which
the page's CSP does not apply to; `axe_violations` also injects it into a page opened before.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def add_axe(page) -> None:
    """Every document the page opens from now on carries axe."""
    assert AXE.exists(), "axe-core is missing: run `make static` (npm ci)"
    page.add_init_script(path=str(AXE))


def axe_violations(page) -> list[dict]:
    """The violations: rule, help, and the elements at fault."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        assert AXE.exists(), "axe-core is missing: run `make static` (npm ci)"
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugger: the page's CSP does not apply
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target)})))",
        WCAG_A_AA,
    )
