"""referrals: what an orientation closes with in its volet's words (orientation_outcome_details);
pilotage: the outcomes per volet rolled up (pilotage_outcome_facts)

Revision ID: 0025f_outcome_details
Revises: 0025e_pilotage_publics
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0025f_outcome_details"
down_revision = "0025e_pilotage_publics"
branch_labels = None
depends_on = None

# "kind:code" of every answer, as referrals/outcome_details.py lists them (the Coop's CRA codes for numérique).
ANSWERS = (
    "autonomy:EntierementAccompagne",
    "autonomy:PartiellementAutonome",
    "autonomy:Autonome",
    "support:Individuel",
    "support:Collectif",
    "thematique:DiagnosticNumerique",
    "thematique:PrendreEnMainDuMateriel",
    "thematique:MaintenanceDeMateriel",
    "thematique:GereSesContenusNumeriques",
    "thematique:NavigationSurInternet",
    "thematique:Email",
    "thematique:Bureautique",
    "thematique:ReseauxSociaux",
    "thematique:Sante",
    "thematique:BanqueEtAchatsEnLigne",
    "thematique:Entrepreneuriat",
    "thematique:InsertionProfessionnelle",
    "thematique:SecuriteNumerique",
    "thematique:Parentalite",
    "thematique:ScolariteEtNumerique",
    "thematique:CreerAvecLeNumerique",
    "thematique:CultureNumerique",
    "thematique:IntelligenceArtificielle",
    "thematique:AideAuxDemarchesAdministratives",
    "mobility:permis",
    "mobility:vehicule",
    "mobility:location_solidaire",
    "mobility:transport_solidaire",
    "mobility:covoiturage",
    "mobility:transports_en_commun",
    "mobility:deux_roues",
    "mobility:aide_financiere",
    "mobility:conseil_mobilite",
    "mobility:autre",
    "health:medecin_traitant",
    "health:droits_ouverts",
    "health:soins_realises",
)


def _in(expression, values):
    return expression + " IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table(
        "orientation_outcome_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("orientation_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            _in("kind || ':' || code", ANSWERS), name=op.f("ck_orientation_outcome_details_known_answer")
        ),
        sa.CheckConstraint(
            _in("kind", ("autonomy", "support", "thematique", "mobility", "health")),
            name=op.f("ck_orientation_outcome_details_outcome_detail_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["orientation_id"],
            ["orientations.id"],
            name=op.f("fk_orientation_outcome_details_orientation_id_orientations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["orientation_events.id"],
            name=op.f("fk_orientation_outcome_details_event_id_orientation_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orientation_outcome_details")),
        sa.UniqueConstraint("orientation_id", "kind", "code", name="uq_orientation_outcome_details_answer"),
    )
    op.create_index("ix_orientation_outcome_details_orientation", "orientation_outcome_details", ["orientation_id"])
    op.create_table(
        "pilotage_outcome_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("volet", sa.String(length=9), nullable=False),
        sa.Column("epci_siren", sa.String(length=9), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("orientations", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            _in("volet", ("numerique", "sante", "mobilite")),
            name=op.f("ck_pilotage_outcome_facts_pilotage_outcome_volet"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilotage_outcome_facts")),
    )
    op.create_index("ix_pilotage_outcome_facts_volet_month", "pilotage_outcome_facts", ["volet", "month", "kind"])


def downgrade():
    op.drop_index("ix_pilotage_outcome_facts_volet_month", table_name="pilotage_outcome_facts")
    op.drop_table("pilotage_outcome_facts")
    op.drop_index("ix_orientation_outcome_details_orientation", table_name="orientation_outcome_details")
    op.drop_table("orientation_outcome_details")
