"""The state-machine kernel's refusals: a code, an HTTP status, French and English messages."""

from __future__ import annotations

import pytest

from orientation.cpam import lifecycle as case_lifecycle
from orientation.referrals import appointment_lifecycle, lifecycle
from orientation.statemachine import InvalidTransition, TransitionConflict, TransitionForbidden, TransitionRefused


@pytest.mark.parametrize(
    ("refusal", "code", "status", "form_status"),
    [
        (InvalidTransition("Non."), "illegal_transition", 422, 400),
        (TransitionForbidden("Non."), "forbidden", 403, 403),
        (TransitionConflict("Non."), "conflict", 409, 409),
        (InvalidTransition("Non.", code="reason_required"), "reason_required", 422, 400),
    ],
)
def test_every_refusal_carries_its_code_status_and_messages(refusal, code, status, form_status):
    assert (refusal.code, refusal.status, refusal.form_status) == (code, status, form_status)
    assert str(refusal) == refusal.message("fr") == refusal.message_fr == "Non."
    assert refusal.message("en") and refusal.message("en") != "Non."  # a default English message


def test_an_english_message_and_a_field_may_be_given():
    refusal = InvalidTransition("Non.", "No.", field="reason")
    assert (refusal.message("en"), refusal.field) == ("No.", "reason")


def test_the_areas_refusals_are_the_kernels():
    """Callers catch one base class; the names the areas always used stay importable."""
    assert lifecycle.TransitionError is TransitionRefused
    assert lifecycle.InvalidTransition is InvalidTransition
    assert lifecycle.TransitionForbidden is TransitionForbidden
    assert lifecycle.TransitionConflict is TransitionConflict
    assert issubclass(case_lifecycle.MasRefused, InvalidTransition)
    assert issubclass(appointment_lifecycle.AppointmentRefused, InvalidTransition)


@pytest.mark.parametrize(
    "machine",
    [lifecycle.ORIENTATION, case_lifecycle.CASE, appointment_lifecycle.APPOINTMENT],
    ids=lambda machine: type(machine).__name__,
)
def test_every_table_names_states_of_its_machine(machine):
    for from_state, to_state in machine.table:
        assert isinstance(from_state, machine.states) and isinstance(to_state, machine.states)
        assert machine.rule(from_state, to_state).action
