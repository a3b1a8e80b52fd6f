"""Pages of a receiver without an account (its personal link, the one-time code, the orientation),
and the sender's and the coordination's hold on those links (revoke, send again).

Every page of the link holder is sent with `Referrer-Policy: no-referrer` and `Cache-Control:
no-store` (`private_headers`): the token must not leak to another site nor stay in a cache. Any link that
cannot be used — unknown, expired, revoked, closed — gets the same answer (`_refused`).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import signals
from orientation.audit.access import logs_person_access, person_accessed
from orientation.auth.tokens import hash_opaque_token
from orientation.csrf import redisplay_on_csrf_error
from orientation.extensions import db
from orientation.forms import EmptyForm
from orientation.paging import search_text
from orientation.referrals import links, permissions, queries, views
from orientation.referrals.forms import LinkCodeForm, NewLinkForm
from orientation.referrals.lifecycle import TransitionError
from orientation.referrals.models import Appointment, ReceiverLink
from orientation.signals import MANAGEMENT, MenuItem, Notice

REFUSED = (
    "Ce lien n'est pas ou plus valable. Si une orientation vous attend encore, demandez un nouveau lien : "
    "il sera envoyé à l'adresse e-mail qui a reçu l'orientation."
)
SAME_ANSWER = (
    "Si cette adresse a reçu des orientations encore ouvertes, un nouveau lien vient d'être envoyé pour chacune. "
    "Pensez à regarder dans les courriers indésirables."
)


def private_headers(response):
    """After every response of the link pages (refusals and rate limits included): no referrer, no cache —
    the link's token stays out of other sites' logs and of any cache."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused():
    return render_template("referrals/link_refused.html", message=REFUSED, form=NewLinkForm()), 404


# The link and its code -------------------------------------------------------------------------


@redisplay_on_csrf_error
def open_link(token: str):
    """The link itself: ask for a code, then type it; the orientation is shown at a token-free address."""
    link = links.find_link(token)
    if link is None:
        return _refused()
    form = LinkCodeForm()
    if form.validate_on_submit():
        try:
            holder = links.verify_code(link, form.code.data)
        except links.LinkRefused as refusal:
            db.session.commit()  # the try counts
            form.code.errors.append(str(refusal))
        else:
            try:
                links.acknowledge(holder, link.orientation)
            except TransitionError:  # moved meanwhile: it is shown as it is
                db.session.rollback()
            db.session.commit()
            links.remember_proof(holder)
            return redirect(url_for("receiver_links.orientation", orientation_id=holder.orientation_id))
    return render_template(
        "referrals/link_code.html",
        link=link,
        orientation=link.orientation,
        form=form,
        code_form=EmptyForm(),
        code_sent=link.code_hash is not None,
    ), 400 if form.errors else 200


@redisplay_on_csrf_error
def send_code(token: str):
    link = links.find_link(token)
    if link is None:
        return _refused()
    if EmptyForm().validate_on_submit():
        links.send_code(link)
        db.session.commit()
        flash(f"Un code à six chiffres vient d'être envoyé à {link.email}.", "success")
    return redirect(url_for("receiver_links.open_link", token=token))


def link_code_key() -> str:
    """The codes sent are counted per link (whoever asks, from wherever)."""
    token = (request.view_args or {}).get("token", "")
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:receiver-link-code:{hash_opaque_token(token)}"


def requested_address_key() -> str:
    """New links asked for one address are counted whoever asks (no flood of its mailbox)."""
    address = (request.form.get("email") or "").strip().lower()[:254]
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:receiver-link-request:{hash_opaque_token(address)}"


@redisplay_on_csrf_error
def request_link():
    """« Demander un nouveau lien »: the same answer whatever the address (nobody learns who receives what)."""
    form = NewLinkForm()
    if form.validate_on_submit():
        links.request_new_links(form.email.data)
        db.session.commit()
        flash(SAME_ANSWER, "info")
        return redirect(url_for("receiver_links.request_link"))
    return render_template("referrals/link_request.html", form=form), 400 if form.errors else 200


# The orientation, for the proved holder --------------------------------------------------------


def _proven(orientation_id: int):
    holder = links.proven_holder(orientation_id)
    if holder is None:
        abort(403)
    return holder, queries.get_orientation(orientation_id)


def _render_for(holder):
    def render(orientation, status: int = 200, **forms):
        person_accessed(
            orientation.person, orientation=orientation, without_account=f"destinataire par lien : {holder.email}"
        )
        db.session.commit()
        orientation = queries.get_orientation(orientation.id)
        return render_template(
            "referrals/link_orientation.html",
            **views.page_context(orientation, holder, **forms),
            holder=holder,
            link_holder=True,
            urls=_urls(orientation.id),
            join_url=_join_url(orientation, holder),
        ), status

    return render


def _urls(orientation_id: int) -> dict:
    """Where the forms of referrals/show.html post, for the holder."""
    return {
        "change_status": url_for("receiver_links.change_status", orientation_id=orientation_id),
        "add_comment": url_for("receiver_links.add_comment", orientation_id=orientation_id),
        "add_appointment": url_for("receiver_links.add_appointment", orientation_id=orientation_id),
        "appointment_status": lambda appointment_id: url_for(
            "receiver_links.appointment_status", orientation_id=orientation_id, appointment_id=appointment_id
        ),
    }


def _join_url(orientation, holder) -> str | None:
    """« Recevoir les prochaines orientations dans un espace de la structure », once that page exists."""
    structure_id = orientation.service.structure_id
    if "organisations.join_request" not in current_app.view_functions or structure_id is None:
        return None
    return url_for("organisations.join_request", structure_id=structure_id, email=holder.email)


def _page_of(orientation_id: int):
    return lambda anchor=None: url_for("receiver_links.orientation", orientation_id=orientation_id, _anchor=anchor)


@logs_person_access(kind="receiver_links.orientation")
def orientation(orientation_id: int):
    if links.proven_holder(orientation_id) is None and links.proved_once(orientation_id):
        # just closed from this page (or revoked): where it stands, without the person's data
        return render_template("referrals/link_closed.html", orientation=queries.get_orientation(orientation_id))
    holder, found = _proven(orientation_id)
    return _render_for(holder)(found)


@redisplay_on_csrf_error
@logs_person_access(kind="receiver_links.orientation")
def change_status(orientation_id: int):
    holder, found = _proven(orientation_id)
    return views.change_status_as(found, holder, _render_for(holder), _page_of(orientation_id))


@redisplay_on_csrf_error
@logs_person_access(kind="receiver_links.orientation")
def add_comment(orientation_id: int):
    holder, found = _proven(orientation_id)
    permissions.require(permissions.can_comment(holder, found))
    return views.add_comment_as(found, holder, _render_for(holder), _page_of(orientation_id))


@redisplay_on_csrf_error
@logs_person_access(kind="receiver_links.orientation")
def add_appointment(orientation_id: int):
    holder, found = _proven(orientation_id)
    permissions.require(permissions.is_receiver(holder, found))
    return views.add_appointment_as(found, holder, _render_for(holder), _page_of(orientation_id))


@redisplay_on_csrf_error
@logs_person_access(kind="receiver_links.orientation")
def appointment_status(orientation_id: int, appointment_id: int):
    holder, found = _proven(orientation_id)
    appointment = db.get_or_404(Appointment, appointment_id)
    if appointment.orientation_id != found.id:
        abort(404)
    permissions.require(permissions.is_receiver(holder, found))
    return views.appointment_status_as(appointment, found, holder, _render_for(holder), _page_of(orientation_id))


# The sender's and the coordination's hold on the links -----------------------------------------


def _managed(orientation_id: int):
    found = queries.get_orientation(orientation_id)
    permissions.require(permissions.can_manage_links(current_user, found))
    return found


def _back(found):
    if permissions.is_sender(current_user, found):
        return redirect(url_for("referrals.show", orientation_id=found.id, _anchor="liens"))
    return redirect(url_for("referrals.receiver_links"))


@login_required
def revoke_link(orientation_id: int, link_id: int):
    found = _managed(orientation_id)
    link = db.session.get(ReceiverLink, link_id)
    if link is None or link.orientation_id != found.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        links.revoke(link, by=current_user)
        db.session.commit()
        flash(f"Le lien envoyé à {link.email} est révoqué : il n'ouvre plus l'orientation.", "success")
    return _back(found)


@login_required
def resend_link(orientation_id: int):
    found = _managed(orientation_id)
    if EmptyForm().validate_on_submit():
        if found.status.is_closed:
            flash("L'orientation est close : aucun lien ne peut plus l'ouvrir.", "error")
        else:
            link = links.send_link(found, by=current_user)
            db.session.commit()
            flash(f"Un nouveau lien est envoyé à {link.email}.", "success")
    return _back(found)


@login_required
def receiver_links():
    """The coordination's list of the links that still open an orientation (no personal data)."""
    permissions.require(current_user.is_coordinator)
    search = search_text(request.args.get("q"))
    page = links.live_links_page(search, request.args.get("page"))
    return render_template("referrals/link_list.html", page=page, search=search, form=EmptyForm())


@signals.menu_items.connect
def _menu(user, membership=None):
    if user.is_coordinator:
        return MenuItem(115, "referrals.receiver_links", "Liens des destinataires sans compte", MANAGEMENT)
    return None


@signals.orientation_notices.connect
def _bounce_notice(orientation, user):
    """The sender sees that the link e-mail bounced, and how to re-route the person."""
    if not user.is_authenticated or not permissions.is_sender(user, orientation):
        return None
    address = links.bounced_address(orientation)
    if address is None:
        return None
    need = orientation.needs[0] if orientation.needs else None
    return Notice(
        5,
        text=f"L'e-mail n'a pas pu être remis à {address} : le service n'a pas reçu l'orientation. "
        "Annulez-la (action « Annuler l'orientation ») puis orientez la personne vers un autre service.",
        label="Orienter vers un autre service",
        url=url_for("referrals.create", personne=orientation.person_id, besoin=need.id if need else None),
    )
