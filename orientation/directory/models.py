"""The shared directory: structures and their services, data·inclusion v1 compatible.

A service carries its own location (address, commune, coordinates), as in data·inclusion v1.
Beyond the schema: whether it accepts tracked orientations (and which organisation receives
them), its capacity, and its freshness (who confirmed it, when).

Search helpers: `search_text` (maintained by `refresh_search_text()`) feeds `search_vector` (kept
by a trigger); `search_title` (unaccented, lower-case names) feeds the trigram index. See search_ddl.py.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation import french
from orientation.db import TimestampMixin, enum_type, utcnow
from orientation.directory.text import normalise
from orientation.directory.thematiques import Volet, enumeration, thematique_label, volets_of
from orientation.extensions import db

if TYPE_CHECKING:
    from orientation.auth.models import User
    from orientation.organisations.models import Organisation
    from orientation.territory.models import Commune

__all__ = [
    "Capacity",
    "Frais",
    "ImportOrigin",
    "ImportRun",
    "ImportSource",
    "ImportStatus",
    "SearchWord",
    "Service",
    "ServiceErrorReport",
    "ServiceThematique",
    "ServiceType",
    "ServiceZone",
    "Structure",
    "Volet",
]


class Capacity(enum.StrEnum):
    OPEN = "open"
    WAITING_LIST = "waiting_list"
    FULL = "full"

    @property
    def label(self) -> str:
        return {"open": "Places disponibles", "waiting_list": "Liste d'attente", "full": "Complet"}[self.value]


class Frais(enum.StrEnum):
    GRATUIT = "gratuit"
    PAYANT = "payant"

    @property
    def label(self) -> str:
        return enumeration("frais")[self.value]


class ServiceType(enum.StrEnum):
    """data·inclusion v1 `types-de-services`."""

    ACCOMPAGNEMENT = "accompagnement"
    AIDE_FINANCIERE = "aide-financiere"
    AIDE_MATERIELLE = "aide-materielle"
    ATELIER = "atelier"
    FORMATION = "formation"
    INFORMATION = "information"

    @property
    def label(self) -> str:
        return enumeration("types-de-services")[self.value]


class LocationMixin:
    """Address and position, as data·inclusion v1 puts them on structures and services."""

    adresse: Mapped[str | None] = mapped_column(sa.String(300))
    complement_adresse: Mapped[str | None] = mapped_column(sa.String(300))
    code_postal: Mapped[str | None] = mapped_column(sa.String(5))
    commune_name: Mapped[str | None] = mapped_column(sa.String(200))
    # The INSEE code as given by the source (may be outside Vaucluse); `commune_code` is set when
    # the commune is in our territory table.
    code_insee: Mapped[str | None] = mapped_column(sa.String(5))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # True when the position is the commune's centre, not the place's own.
    position_is_approximate: Mapped[bool] = mapped_column(default=False)


class Structure(LocationMixin, TimestampMixin, db.Model):
    __tablename__ = "structures"
    __table_args__ = (sa.UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(100))
    source_id: Mapped[str] = mapped_column(sa.String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    siret: Mapped[str | None] = mapped_column(sa.String(14))
    description: Mapped[str | None] = mapped_column(sa.Text)
    commune_code: Mapped[str | None] = mapped_column(sa.ForeignKey("communes.code_insee"), index=True)
    telephone: Mapped[str | None] = mapped_column(sa.String(50))
    courriel: Mapped[str | None] = mapped_column(sa.String(254))
    site_web: Mapped[str | None] = mapped_column(sa.String(2083))
    lien_source: Mapped[str | None] = mapped_column(sa.String(2083))
    horaires_accueil: Mapped[str | None] = mapped_column(sa.String(500))
    accessibilite_lieu: Mapped[str | None] = mapped_column(sa.String(2083))
    reseaux_porteurs: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    # National labels (France Services, Conseiller numérique, Aidants Connect…) as slugs: data·inclusion
    # v0 `labels_nationaux`, the médiation standard's `dispositif_programmes_nationaux`.
    labels_nationaux: Mapped[list | None] = mapped_column(postgresql.JSONB(none_as_null=True))
    date_maj: Mapped[date | None]
    # Set when the entry disappeared from its source on a full import (hidden, kept for orientations).
    withdrawn_at: Mapped[datetime | None]
    # The hash of the source record last imported (orientation.directory.importers): a re-import of the
    # same record skips it without reading the row; a local edit clears it, so the source wins again.
    import_hash: Mapped[str | None] = mapped_column(sa.String(32))

    organisation: Mapped[Organisation | None] = relationship()
    commune: Mapped[Commune | None] = relationship()
    services: Mapped[list[Service]] = relationship(
        back_populates="structure", order_by=lambda: french.by_name(Service.name), cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Structure {self.id}>"


class Service(LocationMixin, TimestampMixin, db.Model):
    __tablename__ = "services"
    __table_args__ = (
        sa.UniqueConstraint("source", "source_id"),
        sa.Index("ix_services_latitude_longitude", "latitude", "longitude"),
        # the partners' "modified_after" pulls (bench/api_feeds.py): two index scans OR-ed
        sa.Index("ix_services_updated_at", "updated_at"),
        sa.Index("ix_services_confirmed_at", "confirmed_at"),
        sa.Index("ix_services_freshness_asked_at", "freshness_asked_at"),
        sa.CheckConstraint("freshness_months BETWEEN 1 AND 36", name="freshness_months_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(sa.ForeignKey("structures.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(sa.String(100))
    source_id: Mapped[str] = mapped_column(sa.String(200))

    # data·inclusion v1 fields
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    type: Mapped[ServiceType | None] = mapped_column(enum_type(ServiceType, "service_type"))
    publics: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    publics_precisions: Mapped[str | None] = mapped_column(sa.Text)
    frais: Mapped[Frais | None] = mapped_column(enum_type(Frais, "service_frais"))
    frais_precisions: Mapped[str | None] = mapped_column(sa.Text)
    conditions_acces: Mapped[str | None] = mapped_column(sa.Text)
    modes_accueil: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    modes_mobilisation: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    mobilisable_par: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    mobilisation_precisions: Mapped[str | None] = mapped_column(sa.Text)
    lien_mobilisation: Mapped[str | None] = mapped_column(sa.String(2083))
    contact_nom_prenom: Mapped[str | None] = mapped_column(sa.String(200))
    telephone: Mapped[str | None] = mapped_column(sa.String(50))
    courriel: Mapped[str | None] = mapped_column(sa.String(254))
    horaires_accueil: Mapped[str | None] = mapped_column(sa.String(500))  # OSM opening_hours
    accessibilite_lieu: Mapped[str | None] = mapped_column(sa.String(2083))
    lien_source: Mapped[str | None] = mapped_column(sa.String(2083))
    nombre_semaines: Mapped[int | None]
    volume_horaire_hebdomadaire: Mapped[float | None]
    commune_code: Mapped[str | None] = mapped_column(sa.ForeignKey("communes.code_insee"), index=True)
    date_maj: Mapped[date | None]
    # Set when the entry disappeared from its source on a full import (hidden, kept for orientations).
    withdrawn_at: Mapped[datetime | None]
    # The hash of the source record last imported (orientation.directory.importers): a re-import of the
    # same record skips it without reading the row; a local edit clears it, so the source wins again.
    import_hash: Mapped[str | None] = mapped_column(sa.String(32))

    # Orientation: tracked referrals, capacity, freshness
    accepts_orientations: Mapped[bool] = mapped_column(default=False)
    receiving_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    capacity: Mapped[Capacity] = mapped_column(enum_type(Capacity, "service_capacity"), default=Capacity.OPEN)
    capacity_confirmed_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The freshness loop (orientation.organisations.freshness): every `freshness_months` (NULL: the setting
    # DIRECTORY_FRESHNESS_MONTHS) its structure's managers are asked by e-mail to confirm it; when they
    # were last asked (the coordination sees what stays unconfirmed a month after).
    freshness_months: Mapped[int | None]
    freshness_asked_at: Mapped[datetime | None]
    # The follow-up delays a service overrides are kept by the referrals area
    # (service_follow_up_settings, edited on the service form through orientation.followups.overrides).

    # Search helpers (see search_ddl.py)
    search_text: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)
    search_title: Mapped[str] = mapped_column(sa.String(500), default="", deferred=True)
    search_vector = sa.orm.deferred(sa.Column(postgresql.TSVECTOR()))

    structure: Mapped[Structure] = relationship(back_populates="services")
    commune: Mapped[Commune | None] = relationship()
    receiving_organisation_explicit: Mapped[Organisation | None] = relationship(
        foreign_keys=[receiving_organisation_id]
    )
    confirmed_by: Mapped[User | None] = relationship()
    thematique_links: Mapped[list[ServiceThematique]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceThematique.thematique"
    )
    zone_links: Mapped[list[ServiceZone]] = relationship(cascade="all, delete-orphan", order_by="ServiceZone.code")

    thematiques: AssociationProxy[list[str]] = association_proxy(
        "thematique_links", "thematique", creator=lambda code: ServiceThematique(thematique=code)
    )
    zone_eligibilite: AssociationProxy[list[str]] = association_proxy(
        "zone_links", "code", creator=lambda code: ServiceZone(code=code)
    )

    @property
    def volets(self) -> set[Volet]:
        return volets_of(self.thematiques)

    @property
    def receiving_organisation(self) -> Organisation | None:
        """Who receives tracked orientations: the service's setting, else the structure's owner."""
        return self.receiving_organisation_explicit or self.structure.organisation

    @property
    def opening_hours(self) -> str | None:
        return self.horaires_accueil or self.structure.horaires_accueil

    @property
    def last_confirmed_at(self) -> datetime | None:
        """When a person last vouched for the entry: a confirmation, else the source's date."""
        if self.confirmed_at is not None:
            return self.confirmed_at
        if self.date_maj is not None:
            return datetime(self.date_maj.year, self.date_maj.month, self.date_maj.day, tzinfo=utcnow().tzinfo)
        return None

    @property
    def freshness_period_months(self) -> int:
        """How often its managers must confirm it: its own frequency, else DIRECTORY_FRESHNESS_MONTHS."""
        return self.freshness_months or int(current_app.config["DIRECTORY_FRESHNESS_MONTHS"])

    def is_stale(self, now: datetime | None = None) -> bool:
        """« À vérifier »: nobody vouched for it within its period (as directory.freshness.overdue in SQL)."""
        last = self.last_confirmed_at or self.created_at
        return last is None or last + relativedelta(months=self.freshness_period_months) < (now or utcnow())

    def refresh_search_text(self) -> None:
        """Recompute the denormalised text the search indexes read (call after every change)."""
        self.search_text, self.search_title = search_texts(
            name=self.name,
            structure_name=self.structure.name if self.structure is not None else "",
            description=self.description,
            thematiques=self.thematiques,
            publics=self.publics,
            commune_name=self.commune_name or (self.commune.name if self.commune is not None else ""),
            conditions_acces=self.conditions_acces,
        )

    def __repr__(self) -> str:
        return f"<Service {self.id}>"


def search_texts(
    *, name, structure_name, description, thematiques, publics, commune_name, conditions_acces
) -> tuple[str, str]:
    """(search_text, search_title) of a service: what the search indexes read (the importer inserts new
    services without building entities, so this takes plain values)."""
    labels = enumeration("publics")
    parts = [
        structure_name or "",
        description or "",
        " ".join(thematique_label(code) for code in thematiques or ()),
        " ".join(labels.get(code, code) for code in publics or ()),
        commune_name or "",
        conditions_acces or "",
    ]
    return "\n".join(part for part in parts if part), normalise(f"{name} {structure_name or ''}")[:500]


class ServiceErrorReport(db.Model):
    """« Signaler une erreur » on a service: what is wrong, for its structure's managers to process (the
    coordination's, for a structure without members). About a directory entry, never about a person."""

    __tablename__ = "service_error_reports"
    __table_args__ = (
        sa.CheckConstraint("done_at IS NOT NULL OR done_by_id IS NULL", name="done_consistent"),
        sa.Index("ix_service_error_reports_open", "service_id", postgresql_where=sa.text("done_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    service: Mapped[Service] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    def __repr__(self) -> str:
        return f"<ServiceErrorReport {self.id}>"


class ServiceThematique(db.Model):
    """One data·inclusion thématique of a service (a table, so filters use an index)."""

    __tablename__ = "service_thematiques"
    __table_args__ = (sa.Index("ix_service_thematiques_thematique_service", "thematique", "service_id"),)

    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    thematique: Mapped[str] = mapped_column(sa.String(150), primary_key=True)


class ServiceZone(db.Model):
    """One code of the service's zone d'éligibilité: commune INSEE, EPCI SIREN, département, "france"."""

    __tablename__ = "service_zones"
    __table_args__ = (sa.Index("ix_service_zones_code_service", "code", "service_id"),)

    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(9), primary_key=True)


class SearchWord(db.Model):
    """Every lexeme of the PostgreSQL search vectors (kept by a trigger): typos are corrected against it."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(sa.Text, primary_key=True)


class ImportSource(enum.StrEnum):
    """What an import reads."""

    DATA_INCLUSION_FILE = "data_inclusion_file"
    MEDIATION_NUMERIQUE_FILE = "mediation_numerique_file"
    DATA_INCLUSION_SYNC = "data_inclusion_sync"

    @property
    def label(self) -> str:
        return {
            "data_inclusion_file": "Fichier data·inclusion",
            "mediation_numerique_file": "Fichier de lieux de médiation numérique",
            "data_inclusion_sync": "Synchronisation avec l'API data·inclusion",
        }[self.value]


class ImportOrigin(enum.StrEnum):
    SCREEN = "screen"  # the coordination's import screen
    COMMAND = "command"  # `flask directory import|sync …`
    SCHEDULE = "schedule"  # the nightly sync

    @property
    def label(self) -> str:
        return {"screen": "Écran d'import", "command": "Ligne de commande", "schedule": "Synchronisation de nuit"}[
            self.value
        ]


class ImportStatus(enum.StrEnum):
    """previewing → previewed → queued → applying → applied; failed from any step (nothing written)."""

    PREVIEWING = "previewing"
    PREVIEWED = "previewed"
    QUEUED = "queued"
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {
            "previewing": "Aperçu en cours",
            "previewed": "Aperçu prêt, à appliquer",
            "queued": "En attente d'application",
            "applying": "Application en cours",
            "applied": "Appliqué",
            "failed": "Échec, rien n'a été modifié",
        }[self.value]

    @property
    def is_running(self) -> bool:
        return self in (ImportStatus.PREVIEWING, ImportStatus.QUEUED, ImportStatus.APPLYING)


class ImportRun(db.Model):
    """One import of open data into the directory: its preview (a dry run), then its application.

    The uploaded file lives on disk under DIRECTORY_IMPORTS_FOLDER/<id>/ (the tasks take the id);
    `preview` and `report` hold the importer's report as JSON (counts, records behind them, reasons).
    Runs of the command line and of the nightly sync are recorded too, so the history shows them."""

    __tablename__ = "import_runs"
    __table_args__ = (
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        sa.Index("ix_import_runs_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[ImportSource] = mapped_column(enum_type(ImportSource, "import_source"))
    origin: Mapped[ImportOrigin] = mapped_column(enum_type(ImportOrigin, "import_origin"))
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus, "import_status"))
    # a partial file does not withdraw the entries of its source that it does not carry
    partial: Mapped[bool] = mapped_column(default=False)
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    departements: Mapped[list | None] = mapped_column(sa.JSON)
    processed: Mapped[int] = mapped_column(default=0)  # records read so far
    expected: Mapped[int | None]  # records the preview read: the denominator of the progress
    progress: Mapped[int] = mapped_column(default=0)  # percent
    counts: Mapped[dict | None] = mapped_column(sa.JSON)
    preview: Mapped[dict | None] = mapped_column(sa.JSON)
    report: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ImportRun {self.id} {self.status}>"


from orientation.directory import search_ddl  # noqa: E402,F401  (DDL events on these tables)
