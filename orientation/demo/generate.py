"""Write the demo directory of Vaucluse (fictitious but realistic) in the data·inclusion v1 format.

    python -m orientation.demo.generate

Deterministic: same output on every run (fixed dates, jitter seeded by each record's id). Writes
demo-structures.json, demo-services.json and demo-orientation-settings.json in data/ next to this file.
Records are checked by tests/directory/test_demo_dataset.py. Append new entries at the end of a
list so that the ids of the existing ones do not change.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE = "orientation-demo"

# EPCI (SIREN) used in zone_eligibilite
GRAND_AVIGNON = "248400251"
COVE = "248400053"
SORGUES_COMTAT = "248400293"
PAYS_DES_SORGUES = "248400319"
PAYS_ORANGE = "248400236"
RHONE_LEZ = "200000628"
AYGUES_OUVEZE = "248400160"
ENCLAVE_PAPES = "200040681"
VAISON_VENTOUX = "248400335"
VENTOUX_SUD = "200035723"
LMV = "200040442"
PAYS_APT = "200040624"
SUD_LUBERON = "248400285"
AIX_MARSEILLE = "200054807"
VAUCLUSE = "84"

# code INSEE → (nom, code postal, latitude, longitude of the town centre)
COMMUNES = {
    "84007": ("Avignon", "84000", 43.9493, 4.8055),
    "84092": ("Le Pontet", "84130", 43.9617, 4.8603),
    "84141": ("Vedène", "84270", 43.9775, 4.9036),
    "84043": ("Entraigues-sur-la-Sorgue", "84320", 44.0033, 4.9283),
    "84031": ("Carpentras", "84200", 44.0556, 5.0481),
    "84072": ("Mazan", "84380", 44.0569, 5.1272),
    "84017": ("Bédoin", "84410", 44.1244, 5.1794),
    "84069": ("Malaucène", "84340", 44.1739, 5.1328),
    "84122": ("Sarrians", "84260", 44.0831, 4.9719),
    "84087": ("Orange", "84100", 44.1381, 4.8075),
    "84039": ("Courthézon", "84350", 44.0875, 4.8844),
    "84035": ("Cavaillon", "84300", 43.8375, 5.0381),
    "84065": ("Lauris", "84360", 43.7472, 5.3133),
    "84050": ("Gordes", "84220", 43.9114, 5.2003),
    "84003": ("Apt", "84400", 43.8764, 5.3964),
    "84020": ("Bonnieux", "84480", 43.8236, 5.3072),
    "84047": ("Gargas", "84400", 43.9019, 5.3572),
    "84089": ("Pertuis", "84120", 43.6942, 5.5017),
    "84026": ("Cadenet", "84160", 43.7350, 5.3744),
    "84133": ("La Tour-d'Aigues", "84240", 43.7267, 5.5500),
    "84137": ("Vaison-la-Romaine", "84110", 44.2408, 5.0747),
    "84138": ("Valréas", "84600", 44.3842, 4.9906),
    "84150": ("Visan", "84820", 44.3147, 4.9506),
    "84019": ("Bollène", "84500", 44.2811, 4.7489),
    "84064": ("Lapalud", "84840", 44.3069, 4.6892),
    "84091": ("Piolenc", "84420", 44.1775, 4.7611),
    "84029": ("Camaret-sur-Aigues", "84850", 44.1628, 4.8736),
    "84106": ("Sainte-Cécile-les-Vignes", "84290", 44.2447, 4.8881),
    "84129": ("Sorgues", "84700", 44.0083, 4.8725),
    "84080": ("Monteux", "84170", 44.0358, 4.9972),
    "84088": ("Pernes-les-Fontaines", "84210", 43.9981, 5.0592),
    "84054": ("L'Isle-sur-la-Sorgue", "84800", 43.9194, 5.0511),
    "84132": ("Le Thor", "84250", 43.9292, 4.9950),
    "84123": ("Sault", "84390", 44.0908, 5.4089),
    "84082": ("Mormoiron", "84570", 44.0681, 5.1833),
}
MONTFAVET = (43.9340, 4.8730)  # a district of Avignon (84007), postal code 84140

# date_maj: most entries were updated in the last months; a few were not (the "à vérifier" list)
FRESH_DATES = [
    "2026-06-12",
    "2026-07-03",
    "2026-07-21",
    "2026-08-28",
    "2026-09-08",
    "2026-09-17",
    "2026-09-30",
    "2026-10-06",
    "2026-10-15",
    "2026-10-22",
    "2026-11-03",
    "2026-11-12",
]

OPEN_DEPT = "Mo-Fr 08:30-12:00,13:30-17:00; PH off"
OPEN_FRANCE_SERVICES = "Mo-Th 08:30-12:00,13:30-17:00; Fr 08:30-12:00; PH off"
OPEN_CENTRE_SANTE = "Mo-Fr 08:00-19:00; Sa 08:00-12:00; PH off"
OPEN_MSP = "Mo-Fr 08:00-20:00; Sa 08:00-12:00; PH off"

STRUCTURES: dict[str, dict] = {}
SERVICES: list[dict] = []
SETTINGS: dict[str, dict] = {}


def _rng(identifier: str) -> random.Random:
    return random.Random(f"orientation-demo:{identifier}")


def _place(identifier: str, code_insee: str, centre=None, spread=0.006) -> tuple[float, float]:
    lat, lon = centre or COMMUNES[code_insee][2:]
    rng = _rng(identifier)
    return round(lat + rng.uniform(-spread, spread), 6), round(lon + rng.uniform(-spread, spread) * 1.3, 6)


def structure(
    key,
    nom,
    commune,
    adresse,
    telephone,
    courriel,
    horaires,
    description,
    *,
    zone,
    reseaux=None,
    site_web=None,
    code_postal=None,
    centre=None,
    date_maj=None,
):
    identifier = f"{SOURCE}-s-{len(STRUCTURES) + 1:03d}"
    name, default_postal_code, *_ = COMMUNES[commune]
    latitude, longitude = _place(identifier, commune, centre)
    record = {
        "id": identifier,
        "source": SOURCE,
        "nom": nom,
        "date_maj": date_maj or _rng(identifier).choice(FRESH_DATES),
        "description": description,
        "adresse": adresse,
        "code_postal": code_postal or default_postal_code,
        "code_insee": commune,
        "commune": name,
        "latitude": latitude,
        "longitude": longitude,
        "telephone": telephone,
        "courriel": courriel,
        "site_web": site_web,
        "horaires_accueil": horaires,
        "reseaux_porteurs": reseaux,
    }
    STRUCTURES[key] = {"record": {k: v for k, v in record.items() if v is not None}, "zone": zone}


def service(
    key,
    nom,
    description,
    thematiques,
    type_,
    *,
    accepts,
    capacity="open",
    publics=("tous-publics",),
    frais="gratuit",
    frais_precisions=None,
    publics_precisions=None,
    conditions_acces=None,
    horaires=None,
    modes_accueil=("en-presentiel",),
    modes_mobilisation=("telephoner", "envoyer-un-courriel"),
    mobilisable_par=("usagers", "professionnels"),
    mobilisation_precisions=None,
    lien_mobilisation=None,
    zone=None,
    telephone=None,
    courriel=None,
    date_maj=None,
    lieu=None,
    nombre_semaines=None,
    volume_horaire_hebdomadaire=None,
):
    """`lieu` = (code INSEE, adresse[, code postal]) when the service is held away from its structure."""
    parent = STRUCTURES[key]["record"]
    identifier = f"{SOURCE}-sv-{len(SERVICES) + 1:03d}"
    if lieu:
        commune, adresse, *postal = lieu
        name, default_postal_code, *_ = COMMUNES[commune]
        latitude, longitude = _place(identifier, commune)
        location = {
            "adresse": adresse,
            "code_postal": postal[0] if postal else default_postal_code,
            "code_insee": commune,
            "commune": name,
            "latitude": latitude,
            "longitude": longitude,
        }
    else:  # at the structure's address, a few metres apart so that no two points coincide
        latitude, longitude = _place(
            identifier, parent["code_insee"], (parent["latitude"], parent["longitude"]), spread=0.0004
        )
        location = {
            "adresse": parent["adresse"],
            "code_postal": parent["code_postal"],
            "code_insee": parent["code_insee"],
            "commune": parent["commune"],
            "latitude": latitude,
            "longitude": longitude,
        }
    record = {
        "id": identifier,
        "structure_id": parent["id"],
        "source": SOURCE,
        "nom": nom,
        "description": description,
        "date_maj": date_maj or _rng(identifier).choice(FRESH_DATES),
        "type": type_,
        "thematiques": list(thematiques),
        "publics": list(publics),
        "publics_precisions": publics_precisions,
        "frais": frais,
        "frais_precisions": frais_precisions,
        "conditions_acces": conditions_acces,
        "telephone": telephone or parent["telephone"],
        "courriel": courriel or parent.get("courriel"),
        **location,
        "horaires_accueil": horaires or parent.get("horaires_accueil"),
        "modes_accueil": list(modes_accueil),
        "modes_mobilisation": list(modes_mobilisation),
        "mobilisable_par": list(mobilisable_par),
        "mobilisation_precisions": mobilisation_precisions,
        "lien_mobilisation": lien_mobilisation,
        "zone_eligibilite": list(zone or STRUCTURES[key]["zone"]),
        "nombre_semaines": nombre_semaines,
        "volume_horaire_hebdomadaire": volume_horaire_hebdomadaire,
    }
    SERVICES.append({k: v for k, v in record.items() if v is not None})
    SETTINGS[identifier] = {"accepts_orientations": accepts, "capacity": capacity}


# Thématiques (data·inclusion v1)
N_EN_LIGNE = "numerique--acceder-a-des-services-en-ligne"
N_CONNEXION = "numerique--acceder-a-une-connexion-internet"
N_EQUIPEMENT = "numerique--acquerir-un-equipement"
N_FONDAMENTAUX = "numerique--maitriser-les-fondamentaux-du-numerique"
S_SOINS = "sante--acces-aux-soins"
S_MENTALE = "sante--sante-mentale"
S_MDPH = "sante--constituer-un-dossier-mdph-invalidite"
S_ADDICTIONS = "sante--addictions"
S_SEXUELLE = "sante--sante-sexuelle"
M_VEHICULE = "mobilite--acceder-a-un-vehicule"
M_REPARER = "mobilite--entretenir-reparer-son-vehicule"
M_PARCOURS = "mobilite--etre-accompagne-dans-son-parcours-mobilite"
M_FINANCER = "mobilite--financer-ma-mobilite"
M_PERMIS = "mobilite--preparer-un-permis"
M_PARTAGEE = "mobilite--mobilite-douce-partagee-collective"
DEMARCHES = "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"
DROITS = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
PARENTALITE = "famille--soutien-a-la-parentalite-et-a-leducation"
BUDGET = "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere"
LOGEMENT = "logement-hebergement--se-maintenir-dans-le-logement"
EMPLOI = "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi"
LIEN_SOCIAL = "remobilisation--lien-social"
AIDANTS = "famille--soutien-aidants"

# ---------------------------------------------------------------------------------------------
# Structures

EDES = (
    "Espace Départemental des Solidarités du Département de Vaucluse : accueil, écoute et accompagnement "
    "social des personnes et des familles, protection maternelle et infantile, aide sociale à l'enfance "
    "et insertion des bénéficiaires du RSA."
)
for key, nom, commune, adresse, tel, mail, zone, extra in [
    (
        "edes-avignon-nord",
        "EDeS d'Avignon Nord",
        "84007",
        "4 rue Paul Poncet",
        "04 90 16 21 10",
        "edes.avignon-nord@vaucluse.fr",
        ["84007", "84092"],
        {},
    ),
    (
        "edes-avignon-sud",
        "EDeS d'Avignon Sud",
        "84007",
        "21 avenue de la Trillade",
        "04 90 16 21 40",
        "edes.avignon-sud@vaucluse.fr",
        ["84007", "84141", "84043"],
        {},
    ),
    (
        "edes-carpentras",
        "EDeS de Carpentras",
        "84031",
        "58 avenue du Mont Ventoux",
        "04 90 16 22 10",
        "edes.carpentras@vaucluse.fr",
        [COVE, SORGUES_COMTAT],
        {},
    ),
    (
        "edes-orange",
        "EDeS d'Orange",
        "84087",
        "190 avenue Charles de Gaulle",
        "04 90 16 22 60",
        "edes.orange@vaucluse.fr",
        [PAYS_ORANGE, AYGUES_OUVEZE],
        {},
    ),
    (
        "edes-bollene",
        "EDeS de Bollène",
        "84019",
        "12 boulevard Victor Hugo",
        "04 90 16 23 20",
        "edes.bollene@vaucluse.fr",
        [RHONE_LEZ],
        {"date_maj": "2025-12-04"},
    ),
    (
        "edes-valreas",
        "EDeS de Valréas",
        "84138",
        "3 place Aristide Briand",
        "04 90 16 23 50",
        "edes.valreas@vaucluse.fr",
        [ENCLAVE_PAPES, VAISON_VENTOUX],
        {},
    ),
    (
        "edes-cavaillon",
        "EDeS de Cavaillon",
        "84035",
        "95 cours Léon Gambetta",
        "04 90 16 24 10",
        "edes.cavaillon@vaucluse.fr",
        [LMV, PAYS_DES_SORGUES],
        {},
    ),
    (
        "edes-apt",
        "EDeS d'Apt",
        "84003",
        "88 avenue de Viton",
        "04 90 16 24 60",
        "edes.apt@vaucluse.fr",
        [PAYS_APT, VENTOUX_SUD],
        {},
    ),
    (
        "edes-pertuis",
        "EDeS de Pertuis",
        "84089",
        "15 boulevard Pécout",
        "04 90 16 25 10",
        "edes.pertuis@vaucluse.fr",
        ["84089", SUD_LUBERON],
        {},
    ),
]:
    structure(
        key,
        nom,
        commune,
        adresse,
        tel,
        mail,
        OPEN_DEPT,
        EDES,
        zone=zone,
        reseaux=["departements", "maisons-des-solidarites"],
        site_web="https://www.vaucluse.fr",
        **extra,
    )

structure(
    "cpam",
    "CPAM de Vaucluse",
    "84007",
    "7 rue François 1er",
    "36 46",
    "mas.cpam-vaucluse@assurance-maladie.fr",
    "Mo-Fr 08:30-12:30,13:30-16:30; PH off",
    "Caisse primaire d'assurance maladie de Vaucluse : ouverture et maintien des droits à l'assurance maladie, "
    "complémentaire santé solidaire, prévention et accompagnement des assurés qui renoncent à se soigner.",
    zone=[VAUCLUSE],
    reseaux=["cpam", "cnam"],
    site_web="https://www.ameli.fr/vaucluse",
)
structure(
    "dac",
    "DAC Ressources Santé Vaucluse",
    "84007",
    "170 chemin de Baigne-Pieds",
    "04 90 27 84 84",
    "contact@dac84-ressources-sante.fr",
    "Mo-Fr 09:00-17:00; PH off",
    "Dispositif d'Appui à la Coordination des parcours de santé complexes pour tout le Vaucluse : appui aux "
    "professionnels, évaluation à domicile et coordination entre les intervenants sanitaires, sociaux et "
    "médico-sociaux.",
    zone=[VAUCLUSE],
)
structure(
    "asv-avignon",
    "Atelier Santé Ville du Grand Avignon",
    "84007",
    "320 chemin des Meinajariès",
    "04 90 84 47 20",
    "asv@grandavignon.fr",
    "Mo-Fr 09:00-12:30,13:30-17:00; PH off",
    "Démarche de santé publique de la politique de la ville : réduire les inégalités de santé entre les "
    "quartiers prioritaires du Grand Avignon et le reste du territoire.",
    zone=["84007", "84092", "84141"],
    reseaux=["communes"],
)
structure(
    "asv-carpentras",
    "Atelier Santé Ville de Carpentras (COVE)",
    "84031",
    "1171 avenue du Mont Ventoux",
    "04 90 67 10 58",
    "asv@lacove.fr",
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Atelier Santé Ville porté par la Communauté d'agglomération Ventoux-Comtat-Venaissin pour les habitants "
    "des quartiers prioritaires de Carpentras.",
    zone=["84031"],
)
structure(
    "ccas-cavaillon",
    "CCAS de Cavaillon",
    "84035",
    "Place Joseph Guis",
    "04 90 71 27 35",
    "ccas@ville-cavaillon.fr",
    "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
    "Centre communal d'action sociale de Cavaillon : aides facultatives, domiciliation, accès aux droits, "
    "point numérique et Atelier Santé Ville.",
    zone=["84035"],
    reseaux=["ccas-cias", "communes"],
)
structure(
    "ccas-avignon",
    "CCAS d'Avignon",
    "84007",
    "10 rue Jean Henri Fabre",
    "04 90 27 94 94",
    "accueil.ccas@mairie-avignon.fr",
    "Mo-Fr 08:30-12:00,13:30-16:30; PH off",
    "Centre communal d'action sociale de la Ville d'Avignon : accueil social, aides facultatives, "
    "domiciliation et accompagnement des seniors.",
    zone=["84007"],
    reseaux=["ccas-cias", "communes"],
)
structure(
    "ch-avignon",
    "Centre hospitalier d'Avignon",
    "84007",
    "305 rue Raoul Follereau",
    "04 32 75 33 33",
    "pass@ch-avignon.fr",
    "Mo-Fr 09:00-16:30; PH off",
    "Centre hospitalier de référence du Vaucluse, dont la Permanence d'accès aux soins de santé (PASS) "
    "accueille les personnes sans couverture sociale ou en grande précarité.",
    zone=[VAUCLUSE],
)
structure(
    "ch-carpentras",
    "Centre hospitalier de Carpentras",
    "84031",
    "Rue Roger Lapeyre",
    "04 32 85 89 00",
    "pass@ch-carpentras.fr",
    "Mo,Tu,Th 09:00-16:00; PH off",
    "Hôpital du Comtat : urgences, médecine, maternité, et une Permanence d'accès aux soins de santé.",
    zone=[COVE, SORGUES_COMTAT, VENTOUX_SUD],
)

CENTRE_SANTE = (
    "Centre de santé départemental du Réseau départemental de santé de Vaucluse : des médecins "
    "généralistes salariés du Département assurent le suivi des patients sans médecin traitant."
)
for key, nom, commune, adresse, tel, zone, extra in [
    (
        "cds-valreas",
        "Centre de santé départemental de Valréas",
        "84138",
        "12 avenue Maréchal Leclerc",
        "04 90 16 26 10",
        [ENCLAVE_PAPES, VAISON_VENTOUX],
        {},
    ),
    (
        "cds-bollene",
        "Centre de santé départemental de Bollène",
        "84019",
        "25 avenue Émile Zola",
        "04 90 16 26 30",
        [RHONE_LEZ, AYGUES_OUVEZE],
        {},
    ),
    (
        "cds-apt",
        "Centre de santé départemental d'Apt",
        "84003",
        "4 quai de la Liberté",
        "04 90 16 26 50",
        [PAYS_APT],
        {},
    ),
    (
        "cds-cavaillon",
        "Centre de santé départemental de Cavaillon",
        "84035",
        "31 avenue Georges Clemenceau",
        "04 90 16 26 70",
        [LMV],
        {},
    ),
    (
        "cds-pertuis",
        "Centre de santé départemental de Pertuis",
        "84089",
        "18 rue Henri Silvy",
        "04 90 16 26 90",
        ["84089", SUD_LUBERON],
        {"date_maj": "2026-03-11"},
    ),
    (
        "cds-carpentras",
        "Centre de santé départemental de Carpentras",
        "84031",
        "140 boulevard Alfred Rogier",
        "04 90 16 27 10",
        [COVE],
        {},
    ),
]:
    structure(
        key,
        nom,
        commune,
        adresse,
        tel,
        f"cds.{key[4:]}@vaucluse.fr",
        OPEN_CENTRE_SANTE,
        CENTRE_SANTE,
        zone=zone,
        reseaux=["departements"],
        site_web="https://www.vaucluse.fr",
        **extra,
    )

MSP = (
    "Maison de santé pluriprofessionnelle : médecins généralistes, infirmiers, kinésithérapeutes et autres "
    "professionnels de santé réunis autour d'un projet de santé commun."
)
for key, nom, commune, adresse, tel, mail, zone, extra in [
    (
        "msp-sault",
        "MSP du Pays de Sault",
        "84123",
        "Route de Saint-Trinit",
        "04 90 64 02 15",
        "contact@msp-paysdesault.fr",
        [VENTOUX_SUD],
        {},
    ),
    (
        "msp-bedoin",
        "Maison de santé du Mont Ventoux",
        "84017",
        "85 route de Malaucène",
        "04 90 65 61 40",
        "secretariat@msp-montventoux.fr",
        [COVE],
        {},
    ),
    (
        "msp-pernes",
        "MSP de Pernes-les-Fontaines",
        "84088",
        "260 avenue Jean Jaurès",
        "04 90 61 30 72",
        "accueil@msp-pernes.fr",
        [SORGUES_COMTAT],
        {},
    ),
    (
        "msp-courthezon",
        "MSP de Courthézon",
        "84039",
        "2 boulevard de la République",
        "04 90 70 21 90",
        "msp.courthezon@orange.fr",
        [PAYS_ORANGE],
        {"date_maj": "2025-11-18"},
    ),
    (
        "msp-cadenet",
        "MSP du Val de Durance",
        "84026",
        "6 avenue de la Gare",
        "04 90 68 11 45",
        "contact@msp-valdedurance.fr",
        [SUD_LUBERON, LMV],
        {},
    ),
    (
        "msp-vaison",
        "MSP de Vaison-la-Romaine",
        "84137",
        "Avenue Victor Hugo",
        "04 90 36 04 22",
        "accueil@msp-vaison.fr",
        [VAISON_VENTOUX],
        {},
    ),
    (
        "msp-piolenc",
        "MSP de Piolenc",
        "84091",
        "9 cours Corsin",
        "04 90 29 50 81",
        "msp.piolenc@gmail.com",
        [AYGUES_OUVEZE],
        {},
    ),
]:
    structure(key, nom, commune, adresse, tel, mail, OPEN_MSP, MSP, zone=zone, **extra)

structure(
    "cpts-comtat",
    "CPTS Comtat-Ventoux",
    "84031",
    "35 rue Porte de Monteux",
    "04 90 60 84 30",
    "coordination@cpts-comtat-ventoux.fr",
    "Mo-Fr 09:00-17:00; PH off",
    "Communauté professionnelle territoriale de santé qui réunit les soignants libéraux du Comtat et du "
    "Ventoux pour améliorer l'accès aux soins.",
    zone=[COVE, SORGUES_COMTAT],
)
structure(
    "cpts-avignon",
    "CPTS du Grand Avignon",
    "84092",
    "45 avenue Gustave Eiffel",
    "04 90 31 64 20",
    "contact@cpts-grandavignon.fr",
    "Mo-Fr 09:00-18:00; PH off",
    "Communauté professionnelle territoriale de santé du Grand Avignon : accès au médecin traitant, soins non "
    "programmés et prévention.",
    zone=[GRAND_AVIGNON],
)

structure(
    "fabrique-orange",
    "La Fabrique numérique d'Orange",
    "84087",
    "8 rue de la République",
    "04 90 11 22 33",
    "contact@fabrique-numerique-orange.fr",
    "Tu-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off",
    "Lieu de médiation numérique du Pays d'Orange : accès libre, ateliers et accompagnement aux démarches en "
    "ligne par des conseillers numériques.",
    zone=[PAYS_ORANGE, AYGUES_OUVEZE],
    reseaux=["conseillers-numeriques", "aidants-connect"],
)
structure(
    "numerique-apt",
    "Espace numérique du Pays d'Apt",
    "84003",
    "Place Gabriel Péri",
    "04 90 74 00 00",
    "numerique@paysapt-luberon.fr",
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Espace public numérique de la Communauté de communes Pays d'Apt-Luberon, avec un service itinérant "
    "dans les villages.",
    zone=[PAYS_APT],
    reseaux=["espaces-publics-numeriques", "conseillers-numeriques"],
)
structure(
    "connexions",
    "Connexions Solidaires Vaucluse",
    "84007",
    "14 rue du Portail Magnanen",
    "04 90 85 41 63",
    "contact@connexions-solidaires84.org",
    "Mo-Fr 10:00-13:00,14:00-18:00; PH off",
    "Association d'inclusion numérique : équipement reconditionné, connexion à prix solidaire et ateliers "
    "pour les personnes orientées par un travailleur social.",
    zone=[VAUCLUSE],
)
structure(
    "epn-pontet",
    "Espace public numérique du Pontet",
    "84092",
    "Avenue de la Pastourelle",
    "04 90 32 46 12",
    "epn@ville-lepontet.fr",
    "Tu,Th 13:30-18:00; We 09:00-12:00,13:30-18:00; Sa 09:00-12:00; PH off",
    "Espace multimédia municipal au sein de la médiathèque : postes en libre accès, impressions et ateliers "
    "collectifs.",
    zone=[GRAND_AVIGNON],
    reseaux=["espaces-publics-numeriques", "communes"],
)
structure(
    "mediatheque-carpentras",
    "Médiathèque de Carpentras — espace numérique",
    "84031",
    "234 boulevard Albin Durand",
    "04 90 63 04 92",
    "mediatheque@carpentras.fr",
    "Tu,Fr 13:00-18:00; We,Sa 10:00-18:00; PH off",
    "Espace numérique de la médiathèque : ordinateurs en accès libre, wifi gratuit et conseiller numérique.",
    zone=[COVE],
    reseaux=["communes", "conseillers-numeriques"],
)
structure(
    "epn-thor",
    "Espace numérique du Thor",
    "84132",
    "Rue Pierre Mendès France",
    "04 90 33 78 05",
    "epn@ville-lethor.fr",
    "Mo,Tu,Th 14:00-18:00; We 09:00-12:00; PH off",
    "Point d'accès numérique municipal du Thor, animé par une conseillère numérique.",
    zone=[PAYS_DES_SORGUES],
    reseaux=["espaces-publics-numeriques"],
    date_maj="2026-02-16",
)
structure(
    "numerique-enclave",
    "Espace numérique de l'Enclave des Papes",
    "84138",
    "Cours Victor Hugo",
    "04 90 28 16 40",
    "numerique@enclave-des-papes.fr",
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Lieu de médiation numérique intercommunal de l'Enclave des Papes - Pays de Grignan.",
    zone=[ENCLAVE_PAPES],
    reseaux=["conseillers-numeriques"],
)
structure(
    "centre-social-avignon",
    "Centre social La Rocade",
    "84007",
    "Avenue du Roi Soleil",
    "04 90 87 58 12",
    "accueil@cs-larocade.org",
    "Mo-Fr 09:00-12:00,13:30-18:00; PH off",
    "Centre social de quartier prioritaire d'Avignon : accueil des familles, accompagnement scolaire, ateliers "
    "numériques et actions santé.",
    zone=["84007"],
    reseaux=["fcsf"],
)

FRANCE_SERVICES = (
    "Espace France Services labellisé par l'État : un guichet unique où des agents formés aident "
    "à réaliser les démarches de la CAF, de l'Assurance maladie, des impôts, de l'ANTS, de France "
    "Travail, de la MSA et de la retraite."
)
for key, nom, commune, adresse, tel, mail, zone, extra in [
    (
        "fs-pertuis",
        "France Services de Pertuis",
        "84089",
        "Place Mirabeau",
        "04 90 79 00 00",
        "franceservices@ville-pertuis.fr",
        ["84089", SUD_LUBERON],
        {},
    ),
    (
        "fs-sorgues",
        "France Services de Sorgues",
        "84129",
        "Rue du 19 mars 1962",
        "04 90 39 71 20",
        "franceservices@sorgues.fr",
        [SORGUES_COMTAT],
        {},
    ),
    (
        "fs-isle",
        "France Services de L'Isle-sur-la-Sorgue",
        "84054",
        "Rue Jean Théophile",
        "04 90 38 67 20",
        "franceservices@islesurlasorgue.fr",
        [PAYS_DES_SORGUES],
        {},
    ),
    (
        "fs-bollene",
        "France Services de Bollène",
        "84019",
        "Boulevard Gambetta",
        "04 90 40 51 75",
        "franceservices@ville-bollene.fr",
        [RHONE_LEZ],
        {},
    ),
    (
        "fs-camaret",
        "France Services Aygues-Ouvèze",
        "84029",
        "Place du Marché",
        "04 90 37 29 64",
        "franceservices@ccaop.fr",
        [AYGUES_OUVEZE],
        {},
    ),
    (
        "fs-vaison",
        "France Services de Vaison-la-Romaine",
        "84137",
        "Place François Cevert",
        "04 90 36 50 41",
        "franceservices@vaison-ventoux.fr",
        [VAISON_VENTOUX],
        {"date_maj": "2026-01-27"},
    ),
    (
        "fs-tour",
        "France Services du Sud-Luberon",
        "84133",
        "Quai de la Gare",
        "04 90 07 48 12",
        "franceservices@cotelub.fr",
        [SUD_LUBERON],
        {},
    ),
    (
        "fs-sault",
        "France Services Ventoux Sud",
        "84123",
        "Avenue de la Résistance",
        "04 90 64 13 98",
        "franceservices@ventoux-sud.fr",
        [VENTOUX_SUD],
        {},
    ),
    (
        "fs-malaucene",
        "France Services de Malaucène",
        "84069",
        "Cours des Isnards",
        "04 90 65 20 17",
        "franceservices@malaucene.fr",
        [COVE, VAISON_VENTOUX],
        {},
    ),
]:
    structure(
        key,
        nom,
        commune,
        adresse,
        tel,
        mail,
        OPEN_FRANCE_SERVICES,
        FRANCE_SERVICES,
        zone=zone,
        reseaux=["france-service"],
        site_web="https://www.france-services.gouv.fr",
        **extra,
    )

structure(
    "plateforme-mobilite",
    "Plateforme Mobilité Solidaire Vaucluse",
    "84031",
    "125 rue de la Monnaie",
    "04 90 60 00 00",
    "contact@mobilite-solidaire84.fr",
    "Mo-Fr 09:00-12:30,13:30-17:00; PH off",
    "Plateforme départementale de mobilité solidaire : diagnostic mobilité, conseil, location de véhicules à "
    "tarif solidaire et aides au permis, pour accéder à l'emploi, à la formation et aux soins.",
    zone=[VAUCLUSE],
    reseaux=["mobin"],
)
structure(
    "auto-ecole",
    "Auto-école sociale Permis Solidaire 84",
    "84007",
    "1 rue Marcel Demonque",
    "04 90 31 27 45",
    "contact@permis-solidaire84.fr",
    "Mo-Fr 09:00-12:00,13:30-18:00; PH off",
    "Auto-école associative qui prépare au permis B des personnes en insertion, avec une pédagogie adaptée "
    "aux difficultés d'apprentissage.",
    zone=[VAUCLUSE],
    code_postal="84140",
    centre=MONTFAVET,
)
structure(
    "garage-avignon",
    "Garage solidaire du Grand Avignon",
    "84092",
    "160 rue des Cordeliers",
    "04 90 03 18 77",
    "atelier@garage-solidaire-avignon.org",
    "Mo-Fr 08:30-12:00,13:30-17:30; PH off",
    "Garage associatif d'insertion : réparation à tarif solidaire et vente de véhicules d'occasion révisés "
    "pour les personnes aux revenus modestes.",
    zone=[GRAND_AVIGNON, SORGUES_COMTAT, PAYS_DES_SORGUES],
    reseaux=["aci"],
)
structure(
    "garage-apt",
    "Garage solidaire du Pays d'Apt",
    "84047",
    "Zone artisanale de Perréal",
    "04 90 04 63 51",
    "contact@garage-solidaire-apt.org",
    "Mo-Th 08:00-12:00,13:30-17:00; PH off",
    "Atelier mécanique solidaire et chantier d'insertion du Luberon.",
    zone=[PAYS_APT, SUD_LUBERON],
    reseaux=["aci"],
    date_maj="2025-12-15",
)
structure(
    "cove-mobilite",
    "COVE — service Transports",
    "84031",
    "1171 avenue du Mont Ventoux",
    "04 90 67 10 13",
    None,  # « Contact direct » in the demo: booked by phone, no address to send a link to
    "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
    "Autorité organisatrice de la mobilité de la COVE : lignes régulières, transport à la demande et "
    "transport des personnes à mobilité réduite.",
    zone=[COVE],
)
structure(
    "ventoux-sud",
    "Communauté de communes Ventoux Sud",
    "84123",
    "Route de Saint-Trinit",
    "04 90 64 15 90",
    None,  # « Contact direct » in the demo: booked by phone, no address to send a link to
    "Mo-Fr 08:30-12:00,13:30-16:30; PH off",
    "Intercommunalité du plateau de Sault et du piémont du Ventoux.",
    zone=[VENTOUX_SUD],
)
structure(
    "sud-luberon",
    "Cotelub — Communauté de communes Territoriale Sud-Luberon",
    "84133",
    "Chemin de la Loge",
    "04 90 07 48 10",
    "mobilite@cotelub.fr",
    "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
    "Intercommunalité du Sud-Luberon, organisatrice d'un transport à la demande entre ses 16 communes.",
    zone=[SUD_LUBERON],
)
structure(
    "ccaop",
    "CC Aygues-Ouvèze en Provence",
    "84029",
    "340 boulevard du Comté d'Orange",
    "04 90 30 47 50",
    None,  # « Contact direct » in the demo: booked by phone, no address to send a link to
    "Mo-Fr 08:30-12:00,14:00-17:00; PH off",
    "Communauté de communes de Camaret, Piolenc, Sérignan, Sainte-Cécile et des villages de l'Aygues.",
    zone=[AYGUES_OUVEZE],
)
structure(
    "covoit-comtat",
    "Roulons Ensemble 84",
    "84080",
    "12 place de l'Hôtel de Ville",
    "04 90 66 23 08",
    "bonjour@roulons-ensemble84.org",
    "Mo-Fr 09:00-12:00; PH off",
    "Association de covoiturage solidaire et d'autopartage entre habitants des Sorgues du Comtat.",
    zone=[SORGUES_COMTAT, PAYS_DES_SORGUES],
)
structure(
    "entraide-vaison",
    "Entraide Vaison Ventoux",
    "84137",
    "4 rue Trogue Pompée",
    "04 90 28 75 33",
    "entraide.vaison@laposte.net",
    "Mo,We,Fr 09:00-12:00; PH off",
    "Association de bénévoles qui accompagne les habitants isolés des villages : transport solidaire, "
    "visites et petits services.",
    zone=[VAISON_VENTOUX],
    date_maj="2025-10-30",
)
structure(
    "velo-sorgues",
    "Atelier vélo Cycl'Ouvèze",
    "84129",
    "3 avenue de la Gare",
    "04 90 83 12 69",
    "atelier@cyclouveze.org",
    "We 14:00-18:00; Sa 09:00-12:30",
    "Atelier participatif de réparation de vélos et recyclerie de cycles.",
    zone=[SORGUES_COMTAT, GRAND_AVIGNON],
    reseaux=["ressourceries"],
)
structure(
    "rhone-lez",
    "CC Rhône Lez Provence — Maison de la mobilité",
    "84019",
    "Place Reynaud de la Gardette",
    "04 90 40 02 14",
    "mobilite@ccrlp.fr",
    "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
    "Maison de la mobilité intercommunale de Bollène, Mondragon, Lapalud, Mornas et Lamotte-du-Rhône.",
    zone=[RHONE_LEZ],
)
structure(
    "psmv",
    "CC du Pays des Sorgues et des Monts de Vaucluse",
    "84054",
    "Chemin du Grand Pré",
    "04 90 38 04 78",
    None,  # « Contact direct » in the demo: booked by phone, no address to send a link to
    "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
    "Intercommunalité de L'Isle-sur-la-Sorgue, du Thor, de Châteauneuf-de-Gadagne, Fontaine-de-Vaucluse et Saumane.",
    zone=[PAYS_DES_SORGUES],
)

# ---------------------------------------------------------------------------------------------
# Services — accompagnement social (EDeS, CCAS)

for key in [k for k in STRUCTURES if k.startswith("edes-")]:
    edes = STRUCTURES[key]["record"]["nom"]
    service(
        key,
        "Accompagnement social global",
        f"Un travailleur social de l'{edes} fait le point sur votre situation : accès aux droits, budget, "
        "logement, santé, emploi. Il vous accompagne dans la durée et vous oriente vers les bons partenaires.",
        [DROITS, BUDGET, LOGEMENT, PARENTALITE],
        "accompagnement",
        accepts=False,
        publics=["familles", "beneficiaires-des-minimas-sociaux", "personnes-en-situation-durgence", "seniors"],
        modes_mobilisation=["telephoner", "se-presenter"],
        mobilisation_precisions="Premier accueil sans rendez-vous le matin, puis rendez-vous avec un travailleur "
        "social.",
    )

service(
    "ccas-cavaillon",
    "Accueil social et aides facultatives",
    "Le CCAS instruit les aides facultatives (alimentaires, énergie), la domiciliation et les demandes de "
    "logement social des habitants de Cavaillon.",
    [DROITS, BUDGET, "equipement-et-alimentation--alimentation"],
    "accompagnement",
    accepts=True,
    conditions_acces="Résider à Cavaillon ; justificatif de ressources.",
    publics=["beneficiaires-des-minimas-sociaux", "seniors", "familles", "personnes-en-situation-durgence"],
)
service(
    "ccas-avignon",
    "Accompagnement des seniors isolés",
    "Visites de convivialité, aide au maintien à domicile et soutien aux aidants pour les Avignonnais de plus "
    "de 60 ans.",
    [AIDANTS, LIEN_SOCIAL, "famille--prise-en-charge-personne-dependante"],
    "accompagnement",
    accepts=False,
    publics=["seniors"],
    publics_precisions="Personnes de 60 ans et plus résidant à Avignon.",
)

# ---------------------------------------------------------------------------------------------
# Services — numérique

service(
    "fabrique-orange",
    "Accompagnement aux démarches en ligne",
    "Un médiateur numérique vous aide à faire vos démarches sur ameli.fr, caf.fr, impots.gouv et ANTS, à "
    "créer votre adresse e-mail et à retrouver vos identifiants FranceConnect.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=True,
    modes_mobilisation=["telephoner", "se-presenter", "envoyer-un-courriel"],
)
service(
    "fabrique-orange",
    "Ateliers smartphone et tablette pour débutants",
    "Cycle de six ateliers en petit groupe pour apprivoiser son smartphone : appels vidéo, photos, applications "
    "utiles, sécurité et arnaques en ligne.",
    [N_FONDAMENTAUX],
    "atelier",
    accepts=True,
    capacity="waiting_list",
    publics=["seniors", "beneficiaires-des-minimas-sociaux"],
    nombre_semaines=6,
    volume_horaire_hebdomadaire=2,
    horaires="Tu,Th 14:00-16:00",
    conditions_acces="Venir avec son téléphone chargé ; prêt de tablette possible.",
)
service(
    "fabrique-orange",
    "Aidants Connect : démarches réalisées pour vous",
    "Si vous ne pouvez pas faire vos démarches vous-même, un aidant habilité les réalise en votre nom, en "
    "toute sécurité, grâce à un mandat Aidants Connect.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=True,
    publics=["seniors", "personnes-en-situation-de-handicap", "personnes-exilees"],
)
service(
    "fabrique-orange",
    "Accès libre aux ordinateurs et au wifi",
    "Postes informatiques, scanner et imprimante en libre-service pour imprimer une attestation, scanner un "
    "justificatif ou consulter ses mails.",
    [N_CONNEXION],
    "aide-materielle",
    accepts=False,
    modes_mobilisation=["se-presenter"],
    mobilisable_par=["usagers"],
    frais="payant",
    frais_precisions="Impression : 0,10 € la page.",
)
service(
    "numerique-apt",
    "Ateliers d'initiation à l'informatique",
    "Prendre en main un ordinateur, naviguer sur internet, envoyer un mail avec une pièce jointe : des ateliers "
    "collectifs pour gagner en confiance.",
    [N_FONDAMENTAUX],
    "atelier",
    accepts=True,
    nombre_semaines=8,
    volume_horaire_hebdomadaire=1.5,
)
service(
    "numerique-apt",
    "Médiation numérique itinérante dans les villages",
    "La conseillère numérique tient une permanence dans les mairies des villages du Pays d'Apt : aide aux "
    "démarches en ligne, réglages du téléphone, questions du quotidien.",
    [N_EN_LIGNE, N_FONDAMENTAUX],
    "accompagnement",
    accepts=True,
    horaires="Tu 09:00-12:00; Th 14:00-17:00",
    lieu=("84020", "Mairie, place Carnot"),
    publics=["seniors"],
    mobilisation_precisions="Calendrier des permanences (Bonnieux, Goult, Roussillon, Saint-Saturnin) sur demande.",
)
service(
    "numerique-apt",
    "Aide aux démarches CAF, Ameli, impôts",
    "Rendez-vous individuel pour déclarer ses ressources à la CAF, télécharger une attestation de droits Ameli "
    "ou faire sa déclaration de revenus en ligne.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=True,
)
service(
    "connexions",
    "Équipement informatique reconditionné à prix solidaire",
    "Ordinateurs portables, tablettes et smartphones reconditionnés et garantis un an, vendus à prix réduit "
    "aux personnes orientées par un travailleur social.",
    [N_EQUIPEMENT],
    "aide-materielle",
    accepts=True,
    frais="payant",
    frais_precisions="Smartphone à partir de 30 €, ordinateur portable à partir de 90 €.",
    publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "jeunes"],
    conditions_acces="Sur orientation d'un professionnel (fiche de prescription).",
    mobilisable_par=["professionnels"],
    modes_mobilisation=["envoyer-un-courriel"],
)
service(
    "connexions",
    "Connexion internet solidaire",
    "Cartes SIM et recharges prépayées à tarif solidaire, et aide à souscrire une offre internet sociale pour "
    "rester joignable et faire ses démarches.",
    [N_CONNEXION],
    "aide-materielle",
    accepts=True,
    frais="payant",
    frais_precisions="Recharge de 10 Go à 5 € ; box internet sociale à partir de 15 € par mois.",
    publics=["beneficiaires-des-minimas-sociaux", "personnes-en-situation-durgence", "personnes-exilees"],
    mobilisable_par=["professionnels"],
    modes_mobilisation=["envoyer-un-courriel", "telephoner"],
)
service(
    "connexions",
    "Ateliers « Les bases du numérique »",
    "Parcours de cinq séances pour apprendre à utiliser le clavier et la souris, créer un compte, reconnaître "
    "un site officiel et se protéger des arnaques.",
    [N_FONDAMENTAUX],
    "formation",
    accepts=True,
    capacity="waiting_list",
    nombre_semaines=5,
    volume_horaire_hebdomadaire=3,
)
service(
    "fs-pertuis",
    "Accompagnement aux démarches administratives en ligne",
    "Les agents France Services vous aident pour vos démarches CAF, retraite, carte grise, permis de conduire "
    "et pré-demande de passeport sur le site de l'ANTS.",
    [N_EN_LIGNE, DEMARCHES, DROITS],
    "accompagnement",
    accepts=True,
)
service(
    "fs-pertuis",
    "Conseiller numérique : ateliers et rendez-vous individuels",
    "Apprendre à utiliser sa messagerie, stocker ses documents dans un coffre-fort numérique, prendre un "
    "rendez-vous médical en ligne.",
    [N_FONDAMENTAUX],
    "atelier",
    accepts=True,
    horaires="We,Fr 09:00-12:00",
)
service(
    "fs-sorgues",
    "Aide aux démarches en ligne et accès aux droits",
    "Accueil de proximité pour les démarches en ligne : dossier de retraite, prime d'activité, changement "
    "d'adresse, compte France Travail.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=False,
)
service(
    "fs-isle",
    "Point numérique France Services",
    "Ordinateurs en libre accès avec l'aide d'un agent pour créer son compte en ligne, scanner ses pièces "
    "justificatives et suivre ses dossiers.",
    [N_EN_LIGNE, N_CONNEXION],
    "accompagnement",
    accepts=False,
)
service(
    "fs-bollene",
    "Démarches administratives en ligne avec un agent",
    "Un agent vous accompagne pas à pas pour les démarches en ligne de la CAF, de l'Assurance maladie, des "
    "impôts et de la MSA.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=False,
)
service(
    "fs-camaret",
    "Permanences numériques itinérantes de l'Aygues",
    "Le bus France Services s'arrête chaque semaine à Piolenc, Sérignan-du-Comtat et Sainte-Cécile-les-Vignes "
    "pour aider aux démarches en ligne.",
    [N_EN_LIGNE, N_FONDAMENTAUX],
    "accompagnement",
    accepts=True,
    horaires="Tu 09:00-12:00; Th 14:00-17:00",
    lieu=("84106", "Place Max Aubert"),
)
service(
    "fs-vaison",
    "Aide aux démarches et initiation numérique",
    "Accueil, information et aide aux démarches en ligne ; ateliers découverte pour utiliser sa boîte mail "
    "et les sites publics.",
    [N_EN_LIGNE, N_FONDAMENTAUX],
    "accompagnement",
    accepts=False,
)
service(
    "fs-tour",
    "Accompagnement aux démarches en ligne",
    "Déclaration de revenus, demande de complémentaire santé solidaire, dossier MDPH : un agent formé vous "
    "guide sur les sites officiels.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=True,
)
service(
    "fs-sault",
    "Point numérique du plateau de Sault",
    "Ordinateur et connexion en accès libre, aide aux démarches en ligne et prise de rendez-vous de téléconsultation.",
    [N_EN_LIGNE, N_CONNEXION],
    "accompagnement",
    accepts=True,
    horaires="Mo-Th 09:00-12:00,13:30-16:30; PH off",
)
service(
    "fs-malaucene",
    "Accompagnement aux démarches en ligne",
    "Aide pour les démarches de la vie quotidienne sur internet : CAF, retraite, impôts, ANTS, France Travail.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=False,
    date_maj="2026-04-08",
)
service(
    "epn-pontet",
    "Ateliers numériques seniors",
    "Ateliers conviviaux pour les plus de 60 ans : visioconférence avec ses proches, achats en ligne en "
    "sécurité, repérer les faux messages.",
    [N_FONDAMENTAUX],
    "atelier",
    accepts=True,
    publics=["seniors"],
    horaires="We 14:00-16:00",
    nombre_semaines=10,
    volume_horaire_hebdomadaire=2,
)
service(
    "epn-pontet",
    "Libre accès internet et impression",
    "Six postes en libre accès, wifi gratuit et impression de documents administratifs.",
    [N_CONNEXION],
    "aide-materielle",
    accepts=False,
    mobilisable_par=["usagers"],
    modes_mobilisation=["se-presenter"],
)
service(
    "mediatheque-carpentras",
    "Rendez-vous avec le conseiller numérique",
    "Rendez-vous individuel d'une heure pour débloquer une situation : mot de passe perdu, espace personnel "
    "CAF, formulaire en ligne, transfert de photos.",
    [N_EN_LIGNE, N_FONDAMENTAUX],
    "accompagnement",
    accepts=True,
    horaires="We,Sa 10:00-12:00",
)
service(
    "epn-thor",
    "Initiation au numérique",
    "Ateliers d'initiation à l'ordinateur et au smartphone pour les habitants du Thor et des communes voisines.",
    [N_FONDAMENTAUX],
    "atelier",
    accepts=True,
    capacity="full",
    date_maj="2026-02-16",
)
service(
    "numerique-enclave",
    "Médiation numérique et aide aux démarches",
    "Accompagnement individuel aux démarches en ligne et ateliers collectifs à Valréas, Visan, Grillon et "
    "Richerenches.",
    [N_EN_LIGNE, N_FONDAMENTAUX],
    "accompagnement",
    accepts=True,
)
service(
    "numerique-enclave",
    "Permanence numérique de Visan",
    "Une matinée par semaine à la mairie de Visan pour poser ses questions sur le numérique et faire ses "
    "démarches en ligne.",
    [N_EN_LIGNE],
    "accompagnement",
    accepts=True,
    horaires="Mo 09:00-12:00",
    lieu=("84150", "Mairie, place Jean Jaurès"),
)
service(
    "ccas-cavaillon",
    "Point numérique du CCAS",
    "Un médiateur aide les usagers du CCAS à faire leurs démarches en ligne et à créer leur espace personnel "
    "sur les sites de la CAF et d'Ameli.",
    [N_EN_LIGNE, DEMARCHES],
    "accompagnement",
    accepts=True,
    horaires="Mo,Th 09:00-12:00",
)
service(
    "ccas-avignon",
    "Espace numérique accompagné",
    "Postes informatiques en autonomie accompagnée, avec un agent pour aider à imprimer, scanner et envoyer "
    "un justificatif.",
    [N_CONNEXION, N_EN_LIGNE],
    "accompagnement",
    accepts=False,
)
service(
    "centre-social-avignon",
    "Numérique en famille",
    "Ateliers parents-enfants pour suivre la scolarité sur l'ENT, encadrer les écrans et utiliser les services "
    "en ligne de l'école.",
    [N_FONDAMENTAUX, PARENTALITE],
    "atelier",
    accepts=True,
    publics=["familles"],
    publics_precisions="Parents d'enfants scolarisés, en priorité des quartiers Nord-Est d'Avignon.",
    horaires="We 14:00-16:30",
)
service(
    "mediatheque-carpentras",
    "Médiation numérique itinérante du Comtat",
    "Le conseiller numérique de la COVE se déplace dans les villages : aide aux démarches en ligne et ateliers "
    "d'initiation à Mazan, Bédoin et Caromb.",
    [N_EN_LIGNE, N_FONDAMENTAUX],
    "accompagnement",
    accepts=True,
    lieu=("84072", "Salle des fêtes, boulevard de la Tournelle"),
    horaires="Fr 09:00-12:00",
    zone=[COVE],
)

# ---------------------------------------------------------------------------------------------
# Services — santé

service(
    "cpam",
    "Mission d'Accompagnement en Santé (renoncement aux soins)",
    "Accompagnement personnalisé des assurés qui renoncent à des soins : bilan des droits (complémentaire "
    "santé solidaire, AME), recherche d'un médecin traitant ou d'un spécialiste, montage financier pour les "
    "soins dentaires, optiques ou auditifs, et suivi jusqu'à la réalisation des soins.",
    [S_SOINS, DROITS],
    "accompagnement",
    accepts=True,
    mobilisable_par=["professionnels"],
    modes_mobilisation=["envoyer-un-courriel"],
    modes_accueil=["a-distance", "en-presentiel"],
    conditions_acces="Sur saisine d'un partenaire détecteur, avec l'accord de la personne.",
    mobilisation_precisions="Saisine par un détecteur formé (EDeS, CCAS, France Services, association).",
)
service(
    "cpam",
    "Examen de prévention en santé (bilan de santé gratuit)",
    "Bilan de santé complet et gratuit au centre d'examens de santé : analyses, dépistages, entretien avec un "
    "médecin et orientation vers un médecin traitant si besoin.",
    [S_SOINS],
    "accompagnement",
    accepts=True,
    publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "jeunes", "seniors"],
    conditions_acces="Être assuré du régime général ; priorité aux personnes éloignées du système de soins.",
    lieu=("84007", "Centre d'examens de santé, 22 boulevard Limbert"),
    horaires="Mo-Fr 07:45-12:00; PH off",
)
service(
    "cpam",
    "Ouverture des droits santé : complémentaire santé solidaire et AME",
    "Information et aide à la constitution des dossiers de complémentaire santé solidaire (CSS), d'aide médicale "
    "de l'État et de protection universelle maladie.",
    [S_SOINS, DROITS],
    "accompagnement",
    accepts=True,
    publics=["beneficiaires-des-minimas-sociaux", "personnes-exilees", "personnes-en-situation-durgence"],
)
service(
    "cpam",
    "Atelier « Mon compte ameli et Mon espace santé »",
    "Atelier collectif pour créer son compte ameli, télécharger une attestation, suivre ses remboursements et "
    "activer Mon espace santé.",
    [N_EN_LIGNE, S_SOINS],
    "atelier",
    accepts=True,
    horaires="Th 14:00-16:00",
    nombre_semaines=1,
    volume_horaire_hebdomadaire=2,
)
service(
    "cpam",
    "Permanence Assurance maladie d'Orange",
    "Accueil sur rendez-vous pour les situations complexes : droits, indemnités journalières, invalidité, "
    "renoncement aux soins.",
    [S_SOINS, DROITS, S_MDPH],
    "accompagnement",
    accepts=True,
    lieu=("84087", "Place André Bruey"),
    horaires="Tu,Th 08:30-12:00",
    zone=[PAYS_ORANGE, AYGUES_OUVEZE, RHONE_LEZ],
)
for key in [k for k in STRUCTURES if k.startswith("cds-")]:
    town = STRUCTURES[key]["record"]["commune"]
    service(
        key,
        "Consultations de médecine générale et médecin traitant",
        f"Le centre de santé départemental de {town} accueille les patients sans médecin traitant : "
        "consultations, suivi des maladies chroniques, vaccinations et dépistages, avec tiers payant.",
        [S_SOINS],
        "accompagnement",
        accepts=True,
        capacity="waiting_list" if key in ("cds-valreas", "cds-apt") else "open",
        frais="payant",
        frais_precisions="Tarif conventionné secteur 1, sans dépassement d'honoraires ; tiers payant, aucune "
        "avance de frais.",
        conditions_acces="Carte Vitale ou attestation de droits ; priorité aux patients sans médecin traitant.",
    )
service(
    "cds-valreas",
    "Consultations avancées de médecine générale à Visan",
    "Deux demi-journées par semaine, un médecin du centre de santé de Valréas consulte à Visan pour les "
    "patients qui ne peuvent pas se déplacer.",
    [S_SOINS],
    "accompagnement",
    accepts=True,
    horaires="Tu,Fr 08:30-12:00",
    lieu=("84150", "Maison médicale, avenue des Alpes"),
    frais="payant",
    frais_precisions="Tarif conventionné secteur 1 ; tiers payant.",
)
service(
    "cds-carpentras",
    "Parcours santé des enfants confiés à l'ASE",
    "Bilans de santé et suivi pédiatrique des enfants confiés à l'Aide sociale à l'enfance, en lien avec les "
    "référents ASE et les familles d'accueil.",
    [S_SOINS, PARENTALITE],
    "accompagnement",
    accepts=True,
    publics=["familles", "jeunes"],
    mobilisable_par=["professionnels"],
    conditions_acces="Sur demande du référent ASE.",
)
service(
    "msp-sault",
    "Consultations et recherche d'un médecin traitant",
    "La maison de santé du Pays de Sault reçoit les nouveaux patients du plateau et propose des consultations "
    "non programmées le matin.",
    [S_SOINS],
    "accompagnement",
    accepts=True,
    capacity="waiting_list",
    frais="payant",
    frais_precisions="Tarifs conventionnés ; tiers payant pour les bénéficiaires de la CSS.",
)
service(
    "msp-sault",
    "Téléconsultation assistée",
    "Cabine de téléconsultation avec l'aide d'une infirmière pour consulter un spécialiste à distance sans "
    "descendre à Carpentras ou Apt.",
    [S_SOINS, N_EN_LIGNE],
    "accompagnement",
    accepts=True,
    horaires="Mo-Fr 14:00-18:00",
    frais="payant",
    frais_precisions="Remboursée comme une consultation.",
)
service(
    "msp-bedoin",
    "Soins de proximité au pied du Ventoux",
    "Médecins généralistes, infirmiers et kinésithérapeutes ; éducation thérapeutique pour le diabète et "
    "l'insuffisance cardiaque.",
    [S_SOINS],
    "accompagnement",
    accepts=False,
    frais="payant",
    frais_precisions="Tarifs conventionnés.",
)
service(
    "msp-pernes",
    "Consultations non programmées et prévention",
    "Créneaux de consultation sans rendez-vous chaque jour et actions de prévention (dépistage, vaccination).",
    [S_SOINS],
    "accompagnement",
    accepts=False,
    frais="payant",
    frais_precisions="Tarifs conventionnés.",
)
service(
    "msp-courthezon",
    "Accueil de nouveaux patients",
    "La MSP accepte ponctuellement de nouveaux patients sans médecin traitant, en priorité les personnes "
    "atteintes de maladies chroniques.",
    [S_SOINS],
    "accompagnement",
    accepts=True,
    capacity="full",
    frais="payant",
    frais_precisions="Tarifs conventionnés.",
    date_maj="2025-11-18",
)
service(
    "msp-cadenet",
    "Consultations et suivi infirmier à domicile",
    "Médecine générale, soins infirmiers à domicile et permanence de sage-femme pour le Val de Durance.",
    [S_SOINS, S_SEXUELLE],
    "accompagnement",
    accepts=False,
    frais="payant",
    frais_precisions="Tarifs conventionnés ; tiers payant.",
)
service(
    "msp-vaison",
    "Consultations de médecine générale",
    "Maison de santé du pays vaisonnais : consultations, petite traumatologie et suivi des patients âgés.",
    [S_SOINS],
    "accompagnement",
    accepts=False,
    frais="payant",
    frais_precisions="Tarifs conventionnés.",
)
service(
    "msp-piolenc",
    "Soins de premier recours",
    "Consultations de médecine générale, infirmiers et orthophoniste pour Piolenc et les villages voisins.",
    [S_SOINS],
    "accompagnement",
    accepts=False,
    frais="payant",
    frais_precisions="Tarifs conventionnés.",
)
service(
    "cpts-comtat",
    "Aide à la recherche d'un médecin traitant",
    "La CPTS recense les médecins qui acceptent de nouveaux patients et trouve un médecin traitant aux "
    "personnes en affection de longue durée ou sans suivi.",
    [S_SOINS],
    "accompagnement",
    accepts=True,
    capacity="waiting_list",
    mobilisable_par=["professionnels"],
    modes_mobilisation=["envoyer-un-courriel"],
)
service(
    "cpts-avignon",
    "Soins non programmés et médecin traitant",
    "Orientation vers un créneau de soins non programmés dans la journée et inscription sur la liste des "
    "patients en recherche de médecin traitant.",
    [S_SOINS],
    "accompagnement",
    accepts=True,
    modes_mobilisation=["telephoner", "utiliser-lien-mobilisation"],
    lien_mobilisation="https://www.cpts-grandavignon.fr/medecin-traitant",
)
service(
    "dac",
    "Appui à la coordination des parcours de santé complexes",
    "Pour les situations qui cumulent problèmes de santé, perte d'autonomie et difficultés sociales : "
    "évaluation à domicile, plan d'accompagnement et coordination des intervenants.",
    [S_SOINS, "famille--prise-en-charge-personne-dependante"],
    "accompagnement",
    accepts=True,
    mobilisable_par=["professionnels"],
    modes_mobilisation=["telephoner", "envoyer-un-courriel"],
    modes_accueil=["a-distance", "en-presentiel"],
)
service(
    "dac",
    "Appui en santé mentale et addictions",
    "Aide aux professionnels confrontés à une personne en souffrance psychique ou en situation d'addiction : "
    "conseil, mise en lien avec le CMP, le CSAPA ou l'équipe mobile psychiatrie précarité.",
    [S_MENTALE, S_ADDICTIONS],
    "accompagnement",
    accepts=True,
    mobilisable_par=["professionnels"],
    modes_accueil=["a-distance"],
)
service(
    "asv-avignon",
    "Accompagnement vers le soin des habitants des quartiers",
    "Une médiatrice santé accompagne les habitants des quartiers prioritaires vers un bilan de santé, un "
    "dépistage ou un rendez-vous chez le dentiste.",
    [S_SOINS],
    "accompagnement",
    accepts=True,
    publics=["residents-qpv-frr"],
)
service(
    "asv-avignon",
    "Ateliers prévention santé et bien-être",
    "Ateliers collectifs sur l'alimentation, le sommeil, la santé mentale et les dépistages organisés.",
    [S_SOINS, S_MENTALE, "remobilisation--bien-etre-confiance-en-soi"],
    "atelier",
    accepts=False,
    publics=["residents-qpv-frr"],
)
service(
    "asv-carpentras",
    "Médiation santé en quartier prioritaire",
    "Permanences de médiation santé aux Amandiers et au Pous du Plan pour ouvrir ses droits et trouver un "
    "médecin traitant.",
    [S_SOINS, DROITS],
    "accompagnement",
    accepts=True,
    publics=["residents-qpv-frr"],
    horaires="Mo,Th 09:00-12:00",
    date_maj="2026-04-02",
)
service(
    "ccas-cavaillon",
    "Atelier Santé Ville de Cavaillon",
    "L'Atelier Santé Ville du CCAS accompagne les habitants vers les soins et organise des actions de "
    "prévention et de dépistage dans les quartiers.",
    [S_SOINS, S_MENTALE],
    "accompagnement",
    accepts=True,
    publics=["residents-qpv-frr", "familles"],
)
service(
    "ch-avignon",
    "Permanence d'accès aux soins de santé (PASS)",
    "Consultations médicales, soins et délivrance de médicaments pour les personnes sans couverture maladie ; "
    "l'assistante sociale de la PASS aide à ouvrir les droits.",
    [S_SOINS, DROITS],
    "accompagnement",
    accepts=True,
    publics=["personnes-en-situation-durgence", "personnes-exilees"],
    modes_mobilisation=["se-presenter", "telephoner"],
)
service(
    "ch-carpentras",
    "Permanence d'accès aux soins de santé (PASS)",
    "Accueil médico-social des personnes en situation de précarité qui ont besoin de soins et n'ont pas de "
    "couverture sociale complète.",
    [S_SOINS, DROITS],
    "accompagnement",
    accepts=True,
    publics=["personnes-en-situation-durgence", "personnes-exilees"],
)

# ---------------------------------------------------------------------------------------------
# Services — mobilité

service(
    "plateforme-mobilite",
    "Conseil en mobilité et bilan mobilité",
    "Un conseiller évalue vos besoins de déplacement et vos capacités, puis construit avec vous un plan "
    "d'action : transports en commun, covoiturage, location solidaire, permis.",
    [M_PARCOURS],
    "accompagnement",
    accepts=True,
    publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux", "jeunes"],
    conditions_acces="Sur prescription d'un professionnel de l'insertion ou du social.",
    mobilisable_par=["professionnels"],
)
service(
    "plateforme-mobilite",
    "Location solidaire de voitures",
    "Location de voitures à petit prix pour se rendre au travail, en formation ou à un rendez-vous médical, "
    "pour une durée d'un jour à trois mois.",
    [M_VEHICULE],
    "aide-materielle",
    accepts=True,
    capacity="waiting_list",
    frais="payant",
    frais_precisions="De 3 € à 8 € par jour selon les ressources.",
    conditions_acces="Permis B valide ; sur prescription d'un professionnel.",
    publics=["demandeurs-emploi", "actifs", "beneficiaires-des-minimas-sociaux"],
)
service(
    "plateforme-mobilite",
    "Location de scooters et vélos à assistance électrique",
    "Scooters 50 cm³ et vélos électriques loués à tarif solidaire, avec casque et antivol, pour les trajets "
    "domicile-travail.",
    [M_VEHICULE, M_PARTAGEE],
    "aide-materielle",
    accepts=True,
    capacity="full",
    frais="payant",
    frais_precisions="Scooter : 2 € par jour ; vélo électrique : 1 € par jour.",
    lieu=("84035", "Avenue de Verdun, Maison de l'emploi"),
    zone=[LMV, PAYS_DES_SORGUES],
    publics=["demandeurs-emploi", "jeunes", "actifs"],
)
service(
    "plateforme-mobilite",
    "Permanence mobilité du Pays d'Apt",
    "Permanence mensuelle du conseiller mobilité à Apt : diagnostic, aides au permis, solutions de transport "
    "dans le Luberon.",
    [M_PARCOURS, M_FINANCER],
    "accompagnement",
    accepts=True,
    lieu=("84003", "Maison de l'emploi, avenue Victor Hugo"),
    horaires="Tu[2] 09:00-12:00,13:30-16:30",
    zone=[PAYS_APT],
)
service(
    "plateforme-mobilite",
    "Permanence mobilité de l'Enclave des Papes",
    "Le conseiller mobilité reçoit sur rendez-vous à Valréas les personnes qui n'ont pas de solution pour se "
    "déplacer vers l'emploi ou les soins.",
    [M_PARCOURS],
    "accompagnement",
    accepts=True,
    lieu=("84138", "Espace Emploi, rue Jean Jaurès"),
    horaires="Th[1,3] 09:00-12:00",
    zone=[ENCLAVE_PAPES, VAISON_VENTOUX],
)
service(
    "plateforme-mobilite",
    "Aides financières à la mobilité",
    "Montage de dossiers d'aide pour financer le permis, une réparation, une assurance ou l'achat d'un "
    "véhicule : aides de France Travail, de la Région, microcrédit personnel.",
    [M_FINANCER],
    "aide-financiere",
    accepts=True,
    publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
    mobilisable_par=["professionnels"],
)
service(
    "plateforme-mobilite",
    "Atelier « Se déplacer en transports en commun »",
    "Atelier pratique pour lire une fiche horaire, acheter un titre de transport sur son téléphone et préparer "
    "un trajet en bus ou en train.",
    [M_PARTAGEE, M_PARCOURS],
    "atelier",
    accepts=True,
    lieu=("84007", "12 boulevard Saint-Michel"),
    horaires="Mo 14:00-16:30",
    nombre_semaines=1,
    volume_horaire_hebdomadaire=2.5,
    zone=[GRAND_AVIGNON],
)
service(
    "plateforme-mobilite",
    "Permanence mobilité de Pertuis",
    "Diagnostic mobilité et orientation vers la location solidaire ou l'auto-école sociale pour les habitants "
    "de Pertuis et du Sud-Luberon.",
    [M_PARCOURS],
    "accompagnement",
    accepts=True,
    lieu=("84089", "Place Mirabeau, France Services"),
    horaires="We 09:00-12:00",
    zone=["84089", SUD_LUBERON],
)
service(
    "auto-ecole",
    "Permis B accompagné pour personnes en insertion",
    "Préparation au code et à la conduite en petits groupes, avec un rythme adapté, pour obtenir le permis de "
    "conduire nécessaire à un projet professionnel.",
    [M_PERMIS],
    "formation",
    accepts=True,
    capacity="waiting_list",
    frais="payant",
    frais_precisions="Reste à charge de 150 € à 300 € selon les ressources ; CPF et aides mobilisables.",
    conditions_acces="Sur prescription (France Travail, mission locale, EDeS) ; entretien préalable.",
    publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux", "jeunes"],
    nombre_semaines=24,
    volume_horaire_hebdomadaire=4,
    mobilisable_par=["professionnels"],
)
service(
    "auto-ecole",
    "Code de la route adapté à Orange",
    "Préparation à l'examen du code de la route, première étape du permis de conduire, en petits groupes et "
    "avec des supports illustrés pour les personnes qui lisent difficilement le français.",
    [M_PERMIS, "lecture-ecriture-calcul--maitriser-le-francais"],
    "formation",
    accepts=True,
    frais="payant",
    frais_precisions="Forfait de 50 € ; gratuit pour les bénéficiaires du RSA.",
    lieu=("84087", "Maison de quartier de Fourchevieilles"),
    horaires="Mo,Th 09:00-12:00",
    zone=[PAYS_ORANGE, AYGUES_OUVEZE, RHONE_LEZ],
    nombre_semaines=10,
    volume_horaire_hebdomadaire=6,
)
service(
    "auto-ecole",
    "Antenne de Pertuis : leçons de conduite solidaires",
    "Leçons de conduite pour passer le permis de conduire, sur un véhicule à double commande, avec une "
    "monitrice formée à l'accompagnement des publics en difficulté.",
    [M_PERMIS],
    "formation",
    accepts=True,
    frais="payant",
    frais_precisions="Leçon de conduite à 20 € ; financement possible par le Département pour les "
    "bénéficiaires du RSA.",
    lieu=("84089", "Rue Louis Pasteur"),
    zone=["84089", SUD_LUBERON],
)
service(
    "garage-avignon",
    "Réparation et entretien à tarif solidaire",
    "Vidange, freins, pneus, contrôle technique préparé : la main-d'œuvre est facturée à tarif réduit et les "
    "pièces au prix coûtant.",
    [M_REPARER],
    "aide-materielle",
    accepts=True,
    frais="payant",
    frais_precisions="Main-d'œuvre à 15 € de l'heure ; pièces au prix coûtant.",
    conditions_acces="Sur orientation d'un travailleur social ; plafond de ressources.",
    publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "actifs"],
)
service(
    "garage-avignon",
    "Vente de véhicules d'occasion révisés",
    "Voitures d'occasion contrôlées et garanties six mois, vendues à prix solidaire, avec un accompagnement "
    "pour le financement.",
    [M_VEHICULE, M_FINANCER],
    "aide-materielle",
    accepts=True,
    capacity="waiting_list",
    frais="payant",
    frais_precisions="Véhicules entre 1 500 € et 4 000 € ; paiement échelonné possible.",
)
service(
    "garage-apt",
    "Garage solidaire : réparations et contrôle technique",
    "Réparations mécaniques à coût réduit et aide à la préparation du contrôle technique pour les habitants du "
    "Luberon aux revenus modestes.",
    [M_REPARER],
    "aide-materielle",
    accepts=True,
    frais="payant",
    frais_precisions="Devis gratuit ; main-d'œuvre à 18 € de l'heure.",
    date_maj="2025-12-15",
)
service(
    "cove-mobilite",
    "Transport à la demande du Comtat",
    "Minibus sur réservation la veille qui relie les villages de la COVE à Carpentras (marché, gare routière, "
    "hôpital) du lundi au samedi.",
    [M_PARTAGEE],
    "aide-materielle",
    accepts=False,
    horaires="Mo-Sa 07:00-19:00",
    frais="payant",
    frais_precisions="Ticket à 1 € ; gratuit pour les bénéficiaires de la carte solidaire.",
    modes_mobilisation=["telephoner"],
    mobilisable_par=["usagers"],
    mobilisation_precisions="Réservation par téléphone au plus tard la veille à 17 h.",
)
service(
    "ventoux-sud",
    "Transport à la demande Ventoux Sud",
    "Navette sur réservation entre Sault, Saint-Christol, Monieux et Aurel, avec correspondance vers "
    "Carpentras et la maison de santé.",
    [M_PARTAGEE, S_SOINS],
    "aide-materielle",
    accepts=False,
    horaires="Tu,Th,Sa 08:00-18:00",
    frais="payant",
    frais_precisions="Trajet à 2 €.",
    modes_mobilisation=["telephoner"],
    mobilisable_par=["usagers"],
)
service(
    "sud-luberon",
    "Transport à la demande du Sud-Luberon",
    "Service de transport à la demande de porte à arrêt entre les 16 communes de Cotelub et Pertuis.",
    [M_PARTAGEE],
    "aide-materielle",
    accepts=False,
    horaires="Mo-Fr 07:30-18:30; PH off",
    frais="payant",
    frais_precisions="Ticket à 1,50 €.",
    modes_mobilisation=["telephoner"],
    mobilisable_par=["usagers"],
)
service(
    "ccaop",
    "Transport à la demande Aygues-Ouvèze",
    "Trajets réservables vers Orange et les gares de Piolenc et Camaret pour les habitants sans voiture.",
    [M_PARTAGEE],
    "aide-materielle",
    accepts=False,
    horaires="Mo-Sa 08:00-18:00",
    frais="payant",
    frais_precisions="1 € le trajet.",
    modes_mobilisation=["telephoner"],
    mobilisable_par=["usagers"],
)
service(
    "rhone-lez",
    "Conseil en mobilité et location de vélos",
    "La Maison de la mobilité informe sur les lignes de bus, le covoiturage et loue des vélos à assistance "
    "électrique aux habitants.",
    [M_PARTAGEE, M_PARCOURS],
    "information",
    accepts=False,
    frais="payant",
    frais_precisions="Location de vélo : 15 € par mois.",
)
service(
    "psmv",
    "Transport à la demande des Sorgues",
    "Navettes sur réservation entre les hameaux, le centre de L'Isle-sur-la-Sorgue et la gare du Thor.",
    [M_PARTAGEE],
    "aide-materielle",
    accepts=False,
    horaires="Mo-Sa 07:00-19:30; PH off",
    frais="payant",
    frais_precisions="Ticket à 1 €.",
    modes_mobilisation=["telephoner", "utiliser-lien-mobilisation"],
    mobilisable_par=["usagers"],
    lien_mobilisation="https://www.ccpsmv.fr/transport-a-la-demande",
)
service(
    "covoit-comtat",
    "Covoiturage solidaire",
    "Mise en relation de conducteurs bénévoles et de passagers sans voiture pour aller au travail, faire ses "
    "courses ou se rendre à un rendez-vous.",
    [M_PARTAGEE],
    "aide-materielle",
    accepts=True,
    frais="payant",
    frais_precisions="Participation aux frais de 0,10 € par kilomètre.",
)
service(
    "covoit-comtat",
    "Autopartage d'une voiture associative",
    "Une voiture partagée réservable à l'heure pour les adhérents qui ont le permis mais pas de véhicule.",
    [M_VEHICULE, M_PARTAGEE],
    "aide-materielle",
    accepts=False,
    capacity="waiting_list",
    frais="payant",
    frais_precisions="Adhésion de 10 € par an et 3 € de l'heure.",
    lieu=("84088", "Parking de la Gare"),
)
service(
    "entraide-vaison",
    "Transport solidaire vers les rendez-vous médicaux",
    "Des bénévoles conduisent les personnes isolées des villages vers leurs rendez-vous médicaux, la pharmacie "
    "ou les démarches à Vaison-la-Romaine.",
    [M_PARTAGEE, S_SOINS],
    "aide-materielle",
    accepts=True,
    frais="payant",
    frais_precisions="Indemnité kilométrique de 0,35 € par km versée au bénévole.",
    publics=["seniors", "personnes-en-situation-de-handicap"],
    modes_mobilisation=["telephoner"],
    date_maj="2025-10-30",
)
service(
    "velo-sorgues",
    "Atelier d'autoréparation de vélos",
    "Apprendre à réparer son vélo avec l'aide d'un bénévole, et acquérir un vélo d'occasion remis en état.",
    [M_REPARER, M_PARTAGEE],
    "atelier",
    accepts=True,
    frais="payant",
    frais_precisions="Adhésion à prix libre ; vélos reconditionnés à partir de 40 €.",
)


def main() -> None:
    outputs = {
        "demo-structures.json": [entry["record"] for entry in STRUCTURES.values()],
        "demo-services.json": SERVICES,
        "demo-orientation-settings.json": SETTINGS,
    }
    for name, data in outputs.items():
        (DATA_DIR / name).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(STRUCTURES)} structures, {len(SERVICES)} services")


if __name__ == "__main__":
    main()
