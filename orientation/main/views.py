from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from orientation.auth.session import current_membership
from orientation.organisations import permissions


@login_required
def home():
    membership = current_membership()
    return render_template(
        "main/home.html",
        membership=membership,
        can_manage_members=membership is not None
        and permissions.can_manage_members(current_user, membership.organisation),
        can_manage_organisations=permissions.can_manage_organisations(current_user),
    )


def accessibility():
    return render_template("main/accessibility.html")
