"""A person's chronology tells the file's own story (created, consent, needs) beside its orientations'."""

from __future__ import annotations

import re

from orientation.extensions import db
from orientation.people.models import NeedStatus
from tests.referrals import builders as rb


def _timeline(html: str) -> list[str]:
    block = re.search(r'<ol data-testid="timeline">(.*?)</ol>', html, re.S).group(1)
    return [" ".join(item.split()) for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_a_file_with_a_consent_and_needs_has_a_chronology(world, logged_in):
    rb.need(world.person, rb.Volet.SANTE, user=world.sender)
    rb.need(world.person, rb.Volet.MOBILITE, user=world.sender)
    html = logged_in(world.sender).get(f"/personnes/{world.person.id}").get_data(as_text=True)
    assert "Rien pour l'instant" not in html
    entries = _timeline(html)
    assert entries[-1].endswith("fiche créée")
    assert any("consentement recueilli (oral" in entry for entry in entries)
    assert sum("besoin noté" in entry for entry in entries) == 3


def test_the_chronology_mixes_the_files_milestones_and_the_orientations_newest_first(world, logged_in):
    orientation = world.orientation()
    world.need.status, world.need.closed_at = NeedStatus.MET, orientation.sent_at
    db.session.commit()
    entries = _timeline(logged_in(world.sender).get(f"/personnes/{world.person.id}").get_data(as_text=True))
    assert any("Aide aux démarches" in entry and "Envoyée" in entry for entry in entries)
    assert any("besoin clôturé" in entry for entry in entries)
    assert entries[-1].endswith("fiche créée")
