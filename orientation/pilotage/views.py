"""Pilotage pages: the dashboard (per role), the map by EPCI, the exports (CSV, XLSX), the committee summary."""

from __future__ import annotations

import math

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import clock, french
from orientation.auth.session import current_membership
from orientation.directory.thematiques import Volet
from orientation.pilotage import charts, fragiles, geomap, offer, permissions, queries, tables
from orientation.pilotage.forms import MAP_INDICATORS, FiltersForm
from orientation.pilotage.refresh import last_refresh


def _context():
    """Load → check access → the filters of the URL (unknown values are reported and ignored)."""
    membership = current_membership()
    scope = permissions.scope_for(current_user, membership)
    if scope is None:
        if permissions.sees_mas_dashboard(current_user):
            return None
        abort(403)
    form = FiltersForm(request.args)
    form.fill_choices(**queries.filter_choices(scope.organisation_id))
    notices = form.clean()
    if (
        scope.organisation_id is not None
        and not request.args.get("sens")
        and not queries.totals(queries.Filters(receiver_id=scope.organisation_id))["sent"]
    ):
        form.sens.data = "envoyees"  # a structure that receives no orientation: what it sends
    filters = form.filters(organisation_id=scope.organisation_id)
    return scope, form, filters, notices


def _common(scope, form, filters, notices) -> dict:
    refreshed = last_refresh()
    return {
        "scope": scope,
        "form": form,
        "filters": filters,
        "notices": notices,
        "refreshed": refreshed,
        "small": queries.SMALL_COUNT,
        "query_args": _query_args(form),
        "hidden": tables.HIDDEN,
        "text_of": tables.text_of,
        "page_rows": tables.PAGE_ROWS,
    }


def _query_args(form: FiltersForm) -> dict:
    return {field.name: field.data for field in form if field.data}


def _built(filters, scope, *, page: bool = False) -> dict:
    """Every table of the page and of the exports, with the publics fragiles ones (fragiles.py)."""
    built = tables.build_tables(filters, departement=scope.is_departement, page=page)
    built.update({table.key: table for table in fragiles.fragiles_tables(filters)})
    return built


@login_required
def dashboard():
    loaded = _context()
    if loaded is None:  # a CPAM member: the MAS figures live on the CPAM's dashboard
        return redirect(url_for("cpam.dashboard"))
    scope, form, filters, notices = loaded
    built = _built(filters, scope, page=True)
    return render_template(
        "pilotage/dashboard.html",
        tables=built,
        charts=charts.dashboard_charts(built),
        **_common(scope, form, filters, notices),
    )


@login_required
def map_view():
    loaded = _context()
    if loaded is None:
        return redirect(url_for("cpam.dashboard"))
    scope, form, filters, notices = loaded
    indicator = form.indicateur.data
    values = tables.epci_values(indicator, filters.with_(epci=None, commune=None))
    kind = "rate" if indicator.endswith("_rate") else "per_10k" if indicator.endswith(tables.PER_10K) else "count"
    points = []
    for siren, name in queries.filter_choices(scope.organisation_id)["epcis"]:
        value = values.get(siren, None if kind != "count" else 0)
        if kind == "rate":
            text = tables.text_of(tables.share_cell(value))
        elif kind == "per_10k":
            text = "non publié" if value is None else french.number(value, 1)
        else:
            text = tables.text_of(value)
        points.append({"siren": siren, "name": name, "value": value, "text": text})
    return render_template(
        "pilotage/map.html",
        points=points,
        indicator_label=MAP_INDICATORS[indicator],
        svg=geomap.choropleth(points, queries.commune_epcis(), kind),
        **_common(scope, form, filters, notices),
    )


@login_required
def white_zones_map():
    """Each commune coloured by its distance to the nearest service of a volet (the offer, not people)."""
    loaded = _context()
    if loaded is None:
        return redirect(url_for("cpam.dashboard"))
    scope, form, filters, notices = loaded
    volet = filters.volet or Volet.NUMERIQUE
    threshold = current_app.config["PILOTAGE_WHITE_ZONE_KM"]
    now = offer.current()
    lines = [line for line in now.distances if line.volet is volet]
    white = sorted(
        (line for line in lines if line.km is None or line.km > threshold),
        key=lambda line: (-(line.km if line.km is not None else math.inf), french.collation_key(line.commune)),
    )
    return render_template(
        "pilotage/white_zones.html",
        volet=volet,
        volets=list(Volet),
        threshold=threshold,
        white=white,
        people=sum(line.population or 0 for line in white),
        computed_at=now.computed_at,
        svg=geomap.distance_map(
            {line.commune_code: (line.commune, line.km) for line in lines}, queries.commune_epcis(), threshold
        ),
        **_common(scope, form, filters, notices),
    )


@login_required
def export_table(table: str, fmt: str):
    loaded = _context()
    if loaded is None:
        abort(403)
    scope, form, filters, _notices = loaded
    built = _built(filters, scope)
    stamp = clock.now().strftime("%Y-%m-%d")
    if fmt == "xlsx":
        selected = list(built.values()) if table == "tout" else [built[table]] if table in built else abort(404)
        note = (
            f"Orientation Vaucluse — pilotage ({scope.organisation_name}), {_period_text(filters)}. "
            f"Effectifs inférieurs à {queries.SMALL_COUNT} masqués (« {tables.HIDDEN} »), et au besoin un autre "
            f"(« {queries.MASKED} ») pour qu'aucun ne se déduise du total."
        )
        return Response(
            tables.to_xlsx(selected, note),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename=pilotage-{table}-{stamp}.xlsx"},
        )
    if fmt != "csv" or table not in built:
        abort(404)
    return Response(
        tables.to_csv(built[table]),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=pilotage-{table}-{stamp}.csv"},
    )


@login_required
def summary():
    loaded = _context()
    if loaded is None:
        return redirect(url_for("cpam.dashboard"))
    scope, form, filters, notices = loaded
    built = _built(filters, scope, page=True)
    return render_template(
        "pilotage/summary.html",
        tables=built,
        charts=charts.dashboard_charts(built),
        period=_period_text(filters),
        printed_on=clock.now(),
        **_common(scope, form, filters, notices),
    )


def _period_text(filters) -> str:
    if not filters.start and not filters.end:
        return "depuis le début"
    start = queries.month_label(filters.start) if filters.start else "le début"
    end = queries.month_label(filters.end) if filters.end else "aujourd'hui"
    return f"de {start} à {end}"
