"""Documents of an orientation: type and size limits, need to know, deleted six months after closure."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.attachments.models import OrientationAttachment
from orientation.audit.models import PersonAccessLog
from orientation.extensions import db
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.rgpd import retention
from tests.rgpd.builders import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(client, orientation, name: str, data: bytes):
    page = f"/orientations/{orientation.id}"
    return client.submit(
        f"/orientations/{orientation.id}/documents",
        {"document": (io.BytesIO(data), name)},
        page=page,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _documents(orientation) -> list[OrientationAttachment]:
    return list(
        db.session.scalars(
            sa.select(OrientationAttachment).where(OrientationAttachment.orientation_id == orientation.id)
        )
    )


def test_the_sender_attaches_a_pdf_and_the_receiver_opens_it(world, logged_in, attachments_folder):
    orientation = world.orientation(S.SENT)
    page = _upload(logged_in(world.sender), orientation, "certificat.pdf", PDF)
    assert "Le document est joint" in page.get_data(as_text=True)
    (document,) = _documents(orientation)
    assert (document.content_type, document.size, document.organisation_id) == (
        "application/pdf",
        len(PDF),
        world.sender_org.id,
    )
    stored = [path for path in attachments_folder.rglob("*") if path.is_file()]
    assert [path.read_bytes() for path in stored] == [PDF] and "certificat" not in str(stored[0])
    receiver = logged_in(world.receiver)
    assert "certificat.pdf" in receiver.get(f"/orientations/{orientation.id}").get_data(as_text=True)
    response = receiver.get(f"/orientations/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    assert "attachment" in response.headers["Content-Disposition"] and response.mimetype == "application/pdf"
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PersonAccessLog)
            .where(PersonAccessLog.purpose == "attachments.download", PersonAccessLog.user_id == world.receiver.id)
        )
        == 1
    )


def test_wrong_types_and_disguised_files_are_refused_in_french(world, logged_in):
    orientation = world.orientation(S.SENT)
    client = logged_in(world.sender)
    html = _upload(client, orientation, "script.exe", b"MZ\x90\x00").get_data(as_text=True)
    assert "Ce type de fichier n&#39;est pas accepté" in html
    html = _upload(client, orientation, "photo.pdf", PNG).get_data(as_text=True)
    assert "ne correspond pas à un fichier PDF" in html
    assert _upload(client, orientation, "scan.png", PNG).status_code == 200
    assert [document.filename for document in _documents(orientation)] == ["scan.png"]


def test_a_file_over_the_limit_is_refused(world, logged_in, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_MAX_BYTES", 1024)
    orientation = world.orientation(S.SENT)
    html = _upload(logged_in(world.sender), orientation, "gros.pdf", PDF + b"0" * 2048).get_data(as_text=True)
    assert "Le fichier dépasse" in html and _documents(orientation) == []


def test_a_request_far_over_the_limit_gets_the_french_413_page(world, logged_in, app, monkeypatch):
    assert app.config["MAX_CONTENT_LENGTH"] == app.config["ATTACHMENTS_MAX_BYTES"] + 1024 * 1024
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    orientation = world.orientation(S.SENT)
    response = _upload(logged_in(world.sender), orientation, "enorme.pdf", PDF + b"0" * 8192)
    assert response.status_code == 413 and "Envoi trop volumineux" in response.get_data(as_text=True)
    assert _documents(orientation) == []


def test_need_to_know(world, logged_in):
    orientation = world.orientation(S.SENT)
    _upload(logged_in(world.sender), orientation, "certificat.pdf", PDF)
    (document,) = _documents(orientation)
    outsider = logged_in(world.outsider)
    assert outsider.get(f"/orientations/documents/{document.id}").status_code == 403
    response = outsider.post(f"/orientations/{orientation.id}/documents", data={})
    assert response.status_code in (400, 403)


def test_documents_of_an_orientation_closed_six_months_ago_are_deleted(world, logged_in, attachments_folder):
    closed, open_ = world.orientation(S.SENT), world.orientation(S.ACCEPTED)
    client = logged_in(world.sender)
    _upload(client, closed, "ancien.pdf", PDF)
    _upload(client, open_, "actuel.pdf", PDF)
    rule = lifecycle.rule_for(S.SENT, S.CANCELLED)
    lifecycle.transition(closed, S.CANCELLED, actor=world.sender, reason=rule.reasons[0] if rule.reasons else None)
    db.session.flush()
    (old,) = _documents(closed)
    assert retention.plan(clock.now() + timedelta(days=150)).attachments_to_delete == []
    later = clock.now() + timedelta(days=200)
    plan = retention.plan(later)
    assert plan.attachments_to_delete == [old.id]
    retention.apply(plan)
    db.session.expire_all()
    assert old.deleted_at is not None and old.filename == "Document supprimé"
    assert [path.read_bytes() for path in attachments_folder.rglob("*") if path.is_file()] == [PDF]  # the other
    assert client.get(f"/orientations/documents/{old.id}").status_code == 410
    assert retention.plan(later).attachments_to_delete == []
