"""Confirming a destructive action: one page that works without JavaScript, shown in a DSFR modal with it.

A destructive form (withdraw a consent, close a need, complete or cancel an orientation, close a MAS
case, cancel a rendez-vous) posts to its action's URL as before. Without `confirmed=1` the view changes
nothing and answers `confirmation()`: « Confirmer … », what will happen (which orientations stop, who
is told), the questions the action needs answered (what became of a rendez-vous still planned), and
the fields posted kept as hidden inputs; its « Confirmer » button posts them again with `confirmed=1`,
and only then does the view act. A GET of the same URL shows the page for a link followed.

The first step is a POST rather than a GET so that a note typed in the form (a withdrawal's reason,
a closing comment) never travels in a URL, a browser history or a server log.

`static/js/confirm-modal.js` fetches that same page and shows its content in a `fr-modal` dialog
(focus kept inside, Escape closes, focus back to the button): one source for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request

CONFIRMED = "confirmed"
_NOT_KEPT = {"csrf_token", CONFIRMED}


def is_confirmed() -> bool:
    return request.method == "POST" and request.form.get(CONFIRMED) == "1"


@dataclass(frozen=True)
class Question:
    """A question the action asks before it is done (radio buttons named `name`)."""

    order: int
    name: str
    legend: str
    choices: tuple  # (value, label)
    hint: str = ""
    chosen: str | None = None


@dataclass(frozen=True)
class Consequence:
    """One thing that will happen (a sentence for the confirmation page)."""

    order: int
    text: str


@dataclass
class Confirmation:
    title: str  # the heading: « Confirmer la clôture du besoin »
    button: str  # the confirm button's label
    action_url: str
    back_url: str
    consequences: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    error: str | None = None


def confirmation(page: Confirmation, status: int = 200):
    """The confirmation page: the posted fields kept (hidden), the questions asked again with their answers."""
    asked = {question.name for question in page.questions}
    kept = [
        (name, value)
        for name, value in (request.form.items(multi=True) if request.method == "POST" else ())
        if name not in _NOT_KEPT and name not in asked
    ]
    questions = sorted(
        (
            Question(q.order, q.name, q.legend, q.choices, q.hint, request.form.get(q.name) or q.chosen)
            for q in page.questions
        ),
        key=lambda q: q.order,
    )
    consequences = [c.text for c in sorted(page.consequences, key=lambda c: c.order)]
    return render_template("confirm.html", page=page, kept=kept, questions=questions, consequences=consequences), status
