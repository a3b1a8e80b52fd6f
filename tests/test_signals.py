"""Signals between areas: connected once per process, offers collected in their declared order."""

from __future__ import annotations

from types import SimpleNamespace

from blinker import Namespace, Signal

from orientation import create_app, signals
from tests.conftest import testing_config


def _receivers() -> dict[str, int]:
    return {name: len(signal.receivers) for name, signal in vars(signals).items() if isinstance(signal, Signal)}


def test_creating_more_apps_connects_nothing_twice(app, database_url):
    before = _receivers()
    assert before["menu_items"] >= 10 and before["orientation_changed"] >= 1
    create_app(testing_config(database_url))
    create_app(testing_config(database_url))
    assert _receivers() == before


def test_offers_are_collected_in_their_order_whatever_the_connection_order():
    offers = Namespace().signal("offers")

    def late(sender):
        return [signals.Link(30, "c", "/c"), None]

    def early(sender):
        return signals.Link(10, "a", "/a")

    def nothing(sender):
        return None

    for receiver in (late, nothing, early):
        offers.connect(receiver)
    assert [link.label for link in signals.collect(offers, SimpleNamespace())] == ["a", "c"]


def test_the_webhooks_hear_of_every_transition():
    """The API area connects to the referrals' announcement: referrals no longer calls it."""
    modules = {receiver.__module__ for receiver in signals.orientation_changed.receivers_for(object())}
    assert "orientation.api.signals" in modules
