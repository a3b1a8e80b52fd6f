"""The pages of a MAS case as the conseiller works it: one page per stage, one form at a time.

The summary (`cpam.show`) shows the stage the case is at; each page below has its own URL: GET shows
it, POST records its form (the contact page's forms go to their own endpoints) and comes back to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from orientation.cpam.models import CaseStage

S = CaseStage


@dataclass(frozen=True)
class CasePage:
    slug: str  # the last part of its URL (/cpam/dossiers/<id>/<slug>)
    endpoint: str
    title: str
    stages: frozenset[CaseStage]  # the case's stages this page is the work of
    forms: tuple[str, ...]  # the names of the forms it shows (views._case_forms)

    @property
    def stage(self) -> CaseStage | None:
        """The working stage this page is the work of (a case can be moved to it), if one."""
        return next((stage for stage in self.stages if stage.is_working), None)


CONTACT = CasePage(
    "contact",
    "cpam.contact_page",
    "Premier contact",
    frozenset({S.NEW, S.CONTACTING, S.UNREACHABLE}),
    ("OpenCaseForm", "ContactAttemptForm"),
)
RIGHTS = CasePage("droits", "cpam.rights", "Bilan des droits", frozenset({S.RIGHTS_REVIEW}), ("RightsForm",))
PRACTITIONERS = CasePage(
    "praticiens",
    "cpam.practitioners",
    "Recherche de praticiens",
    frozenset({S.PRACTITIONER_SEARCH}),
    ("PractitionersForm",),
)
FINANCING = CasePage(
    "financement", "cpam.financing", "Montage financier", frozenset({S.FINANCIAL_ARRANGEMENT}), ("FinancingForm",)
)
FOLLOW_UP = CasePage("suivi", "cpam.follow_up", "Suivi jusqu'aux soins", frozenset({S.FOLLOW_UP}), ("FollowUpForm",))
CLOSING = CasePage("cloture", "cpam.close", "Clôture", frozenset({S.CLOSED}), ("CloseCaseForm",))
NOTES = CasePage("notes", "cpam.add_note", "Notes internes et chronologie", frozenset(), ("NoteForm",))

# The stages, in the order they are worked; then closing and the notes.
STAGE_PAGES = (CONTACT, RIGHTS, PRACTITIONERS, FINANCING, FOLLOW_UP)
PAGES = {page.slug: page for page in (*STAGE_PAGES, CLOSING, NOTES)}
# The forms the summary never shows (a case-wide action on its own line, not a stage's work).
CASE_WIDE_FORMS = ("StageForm", "WaitingForm")


def page_of_stage(stage: CaseStage) -> CasePage:
    return next(page for page in (*STAGE_PAGES, CLOSING) if stage in page.stages)


def page_of_form(form_name: str, stage: CaseStage) -> CasePage:
    """Where a form is shown again (refused) or comes back to (saved); the case-wide ones: its stage's page."""
    return next((page for page in PAGES.values() if form_name in page.forms), page_of_stage(stage))
