"""The short structured diagnosis: need codes and details per volet.

Each need code maps to the data·inclusion thématique used to search the directory and, where
natural, to a Gravity SDOH Clinical Care category (the later API exposes it as Condition.category).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from orientation.directory.thematiques import Volet


class NeedCode(enum.StrEnum):
    NUMERIQUE_EQUIPEMENT = "numerique_equipement"
    NUMERIQUE_CONNEXION = "numerique_connexion"
    NUMERIQUE_USAGES_BASE = "numerique_usages_base"
    NUMERIQUE_DEMARCHES = "numerique_demarches"
    NUMERIQUE_AIDANT_CONNECT = "numerique_aidant_connect"
    NUMERIQUE_TARIF_SOCIAL = "numerique_tarif_social"
    NUMERIQUE_RECONDITIONNE = "numerique_reconditionne"
    SANTE_MEDECIN_TRAITANT = "sante_medecin_traitant"
    SANTE_RENONCEMENT = "sante_renoncement"
    SANTE_DROITS = "sante_droits"
    SANTE_ENFANTS = "sante_enfants"
    SANTE_SITUATION_COMPLEXE = "sante_situation_complexe"
    MOBILITE_PERMIS = "mobilite_permis"
    MOBILITE_VEHICULE = "mobilite_vehicule"
    MOBILITE_COUT = "mobilite_cout"
    MOBILITE_TRANSPORT = "mobilite_transport"
    MOBILITE_REDUITE = "mobilite_reduite"
    MOBILITE_TRAJET = "mobilite_trajet"

    @property
    def spec(self) -> NeedSpec:
        return NEEDS[self]

    @property
    def label(self) -> str:
        return NEEDS[self].label

    @property
    def volet(self) -> Volet:
        return NEEDS[self].volet


@dataclass(frozen=True)
class NeedSpec:
    volet: Volet
    label: str
    thematique: str  # data·inclusion v1
    sdoh_category: str  # Gravity SDOHCC temporary code


N, V = NeedCode, Volet
NEEDS: dict[NeedCode, NeedSpec] = {
    N.NUMERIQUE_EQUIPEMENT: NeedSpec(
        V.NUMERIQUE, "Pas d'équipement (ordinateur, smartphone)", "numerique--acquerir-un-equipement", "digital-access"
    ),
    N.NUMERIQUE_CONNEXION: NeedSpec(
        V.NUMERIQUE, "Pas de connexion Internet", "numerique--acceder-a-une-connexion-internet", "digital-access"
    ),
    N.NUMERIQUE_USAGES_BASE: NeedSpec(
        V.NUMERIQUE,
        "Usages de base (smartphone, e-mail)",
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "digital-literacy",
    ),
    N.NUMERIQUE_DEMARCHES: NeedSpec(
        V.NUMERIQUE,
        "Démarches en ligne (CAF, ameli, impots.gouv, ANTS, France Travail)",
        "numerique--acceder-a-des-services-en-ligne",
        "digital-literacy",
    ),
    N.NUMERIQUE_AIDANT_CONNECT: NeedSpec(
        V.NUMERIQUE,
        "Démarche à faire pour la personne (Aidants Connect)",
        "numerique--acceder-a-des-services-en-ligne",
        "digital-literacy",
    ),
    N.NUMERIQUE_TARIF_SOCIAL: NeedSpec(
        V.NUMERIQUE, "Tarif social Internet", "numerique--acceder-a-une-connexion-internet", "digital-access"
    ),
    N.NUMERIQUE_RECONDITIONNE: NeedSpec(
        V.NUMERIQUE, "Équipement reconditionné", "numerique--acquerir-un-equipement", "digital-access"
    ),
    N.SANTE_MEDECIN_TRAITANT: NeedSpec(
        V.SANTE, "Pas de médecin traitant", "sante--acces-aux-soins", "personal-health-literacy"
    ),
    N.SANTE_RENONCEMENT: NeedSpec(V.SANTE, "Renoncement à des soins", "sante--acces-aux-soins", "medical-cost-burden"),
    N.SANTE_DROITS: NeedSpec(
        V.SANTE, "Droits non ouverts (CSS, AME, PUMa)", "sante--acces-aux-soins", "health-insurance-coverage-status"
    ),
    N.SANTE_ENFANTS: NeedSpec(
        V.SANTE, "Soins des enfants (ASE)", "sante--acces-aux-soins", "sdoh-category-unspecified"
    ),
    N.SANTE_SITUATION_COMPLEXE: NeedSpec(
        V.SANTE, "Situation complexe (DAC)", "sante--acces-aux-soins", "sdoh-category-unspecified"
    ),
    N.MOBILITE_PERMIS: NeedSpec(
        V.MOBILITE, "Pas de permis de conduire", "mobilite--preparer-un-permis", "transportation-insecurity"
    ),
    N.MOBILITE_VEHICULE: NeedSpec(
        V.MOBILITE, "Pas de véhicule", "mobilite--acceder-a-un-vehicule", "transportation-insecurity"
    ),
    N.MOBILITE_COUT: NeedSpec(
        V.MOBILITE, "Coût des déplacements", "mobilite--financer-ma-mobilite", "transportation-insecurity"
    ),
    N.MOBILITE_TRANSPORT: NeedSpec(
        V.MOBILITE,
        "Pas de transport en commun à proximité",
        "mobilite--mobilite-douce-partagee-collective",
        "transportation-insecurity",
    ),
    N.MOBILITE_REDUITE: NeedSpec(
        V.MOBILITE,
        "Mobilité réduite",
        "mobilite--etre-accompagne-dans-son-parcours-mobilite",
        "transportation-insecurity",
    ),
    N.MOBILITE_TRAJET: NeedSpec(
        V.MOBILITE,
        "Se rendre à un emploi, une formation, un rendez-vous de santé",
        "mobilite--etre-accompagne-dans-son-parcours-mobilite",
        "transportation-insecurity",
    ),
}

# Details of the diagnosis, per volet: code → label (stored as a list of codes on the need).
DETAILS: dict[Volet, dict[str, str]] = {
    V.NUMERIQUE: {
        "caf": "Démarche CAF",
        "ameli": "Démarche ameli",
        "impots": "Démarche impots.gouv",
        "ants": "Démarche ANTS (titres, permis)",
        "france_travail": "Démarche France Travail",
        "veut_apprendre": "Souhaite apprendre à faire seul·e",
        "faire_pour": "A besoin qu'on fasse pour elle ou lui",
    },
    V.SANTE: {
        "dentaire": "Soins dentaires",
        "optique": "Optique",
        "audition": "Audition",
        "specialiste": "Spécialiste",
        "generaliste": "Généraliste",
        "soins_courants": "Soins courants",
        "raison_cout": "Raison : coût, reste à charge",
        "raison_complementaire": "Raison : pas de complémentaire (CSS)",
        "raison_distance": "Raison : distance",
        "raison_delai": "Raison : délais d'attente",
        "raison_comprehension": "Raison : ne comprend pas le système",
        "raison_peur": "Raison : peur",
        "css": "Droits : CSS",
        "ame": "Droits : AME",
        "puma": "Droits : PUMa",
    },
    V.MOBILITE: {
        "emploi": "Pour un emploi",
        "formation": "Pour une formation",
        "rdv_sante": "Pour un rendez-vous de santé",
        "insertion": "Pour une démarche d'insertion",
    },
}


def needs_of_volet(volet: Volet) -> list[NeedCode]:
    return [code for code, spec in NEEDS.items() if spec.volet is volet]
