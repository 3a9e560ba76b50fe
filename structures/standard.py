"""The national data standard for places of digital mediation (schéma des lieux de médiation
numérique, v1): its columns and controlled vocabularies, as the project's own data.

Values are stored exactly as the standard writes them, so that exports need no translation.
"""

# The 32 columns of the v1 schema, in the schema's order (exports keep it).
COLUMNS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
    "latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires",
    "presentation_resume", "presentation_detail", "source", "itinerance", "structure_parente",
    "date_maj", "services", "publics_specifiquement_adresses", "prise_en_charge_specifique",
    "frais_a_charge", "dispositif_programmes_nationaux", "formations_labels",
    "autres_formations_labels", "modalites_acces", "modalites_accompagnement",
    "fiche_acces_libre", "prise_rdv",
)  # fmt: skip
REQUIRED_COLUMNS = ("id", "nom", "pivot", "commune", "code_postal", "adresse", "date_maj")
# v1 joins multiple values with "|"; older files and the standard's own README use ";".
SEPARATOR = "|"
UNKNOWN_PIVOT = "00000000000000"

SERVICES = (
    "Acquisition de matériel informatique à prix solidaire",
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
)
PUBLICS = ("Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes")
PRISES_EN_CHARGE = (
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
)
MODALITES_ACCOMPAGNEMENT = (
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
)
MODALITES_ACCES = (
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Envoyer un mail avec une fiche de prescription",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
)
FRAIS = ("Gratuit", "Gratuit sous condition", "Payant")
ITINERANCE = ("Itinérant", "Fixe")
DISPOSITIFS = (
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
)
FORMATIONS_LABELS = (
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques (La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
)

# Typology codes and what they stand for, in French.
TYPOLOGIES = {
    "ACI": "Atelier et chantier d'insertion",
    "ACIPHC": "Atelier chantier d'insertion « premières heures en chantier »",
    "AFPA": "Agence pour la formation professionnelle des adultes",
    "AI": "Association intermédiaire",
    "ASE": "Aide sociale à l'enfance",
    "ASSO": "Association",
    "ASSO_CHOMEUR": "Association de personnes privées d'emploi",
    "Autre": "Autre",
    "AVIP": "Crèche à vocation d'insertion professionnelle",
    "BIB": "Bibliothèque, médiathèque",
    "CAARUD": "Centre d'accueil et d'accompagnement à la réduction des risques pour usagers de drogues",
    "CADA": "Centre d'accueil de demandeurs d'asile",
    "CAF": "Caisse d'allocations familiales",
    "CAP_EMPLOI": "Cap emploi",
    "CAVA": "Centre d'adaptation à la vie active",
    "CC": "Communauté de communes",
    "CCAS": "Centre communal d'action sociale",
    "CCONS": "Chambre consulaire",
    "CD": "Conseil départemental",
    "CDAS": "Centre départemental d'action sociale",
    "CFP": "Centre des finances publiques",
    "CHRS": "Centre d'hébergement et de réinsertion sociale",
    "CHU": "Centre d'hébergement d'urgence",
    "CIAS": "Centre intercommunal d'action sociale",
    "CIDFF": "Centre d'information sur les droits des femmes et des familles",
    "CITMET": "Cité des métiers",
    "CMP": "Centre médico-psychologique",
    "CMS": "Centre médico-social",
    "CPAM": "Caisse primaire d'assurance maladie",
    "CPH": "Centre provisoire d'hébergement",
    "CS": "Centre social",
    "CSAPA": "Centre de soins, d'accompagnement et de prévention en addictologie",
    "CSC": "Centre socioculturel",
    "DEETS": "Direction de l'économie, de l'emploi, du travail et des solidarités",
    "DEPT": "Services sociaux du département",
    "DIPLP": "Délégation interministérielle à la prévention et à la lutte contre la pauvreté",
    "E2C": "École de la deuxième chance",
    "EA": "Entreprise adaptée",
    "EATT": "Entreprise adaptée de travail temporaire",
    "EI": "Entreprise d'insertion",
    "EITI": "Entreprise d'insertion par le travail indépendant",
    "ENM": "Espace numérique mobile",
    "EPCI": "Intercommunalité",
    "EPI": "Espace public internet",
    "EPIDE": "Établissement pour l'insertion dans l'emploi",
    "EPN": "Espace public numérique",
    "ES": "Épicerie solidaire",
    "ESAT": "Établissement et service d'aide par le travail",
    "ESS": "Entreprise de l'économie sociale et solidaire",
    "ETTI": "Entreprise de travail temporaire d'insertion",
    "EVS": "Espace de vie sociale",
    "FABLAB": "Fablab, atelier partagé",
    "FABRIQUE": "Fabrique de territoire",
    "FAIS": "Fédération d'acteurs de l'insertion et de la solidarité",
    "FT": "France Travail",
    "GEIQ": "Groupement d'employeurs pour l'insertion et la qualification",
    "HUDA": "Hébergement d'urgence pour demandeurs d'asile",
    "LA_POSTE": "Bureau de poste, agence postale",
    "MDE": "Maison de l'emploi",
    "MDH": "Maison des habitants",
    "MDEF": "Maison de l'emploi et de la formation",
    "MDPH": "Maison départementale des personnes handicapées",
    "MDS": "Maison départementale des solidarités",
    "MJC": "Maison des jeunes et de la culture",
    "ML": "Mission locale",
    "MQ": "Maison de quartier",
    "MSA": "Mutualité sociale agricole",
    "MSAP": "Maison de services au public",
    "MUNI": "Mairie, service municipal",
    "OACAS": "Organisme d'accueil communautaire et d'activités solidaires",
    "ODC": "Organisme délégataire du conseil départemental",
    "OF": "Organisme de formation",
    "OIL": "Opérateur d'intermédiation locative",
    "OPCS": "Organisation porteuse de la clause sociale",
    "PAD": "Point d'accès au droit",
    "PENSION": "Pension de famille, résidence accueil",
    "PI": "Point information",
    "PIJ_BIJ": "Point ou bureau information jeunesse",
    "PIMMS": "Point information médiation multi-services",
    "PJJ": "Protection judiciaire de la jeunesse",
    "PLIE": "Plan local pour l'insertion et l'emploi",
    "PREF": "Préfecture, sous-préfecture",
    "PREVENTION": "Service ou club de prévention",
    "REG": "Région",
    "RELAIS_LECTURE": "Relais lecture",
    "RESSOURCERIE": "Ressourcerie",
    "RFS": "France services",
    "RS_FJT": "Résidence sociale, foyer de jeunes travailleurs",
    "SCP": "Service ou club de prévention",
    "SPIP": "Service pénitentiaire d'insertion et de probation",
    "TIERS_LIEUX": "Tiers-lieu, espace de coworking",
    "UDAF": "Union départementale des associations familiales",
}

# Service labels of the v0 shape and their v1 equivalents.
V0_SERVICES = {
    "Accéder à une connexion internet": "Accès internet et matériel informatique",
    "Accéder à du matériel": "Accès internet et matériel informatique",
    "Devenir autonome dans les démarches administratives": "Aide aux démarches administratives",
    "Réaliser des démarches administratives avec un accompagnement": "Aide aux démarches administratives",
    "Prendre en main un smartphone ou une tablette": "Maîtrise des outils numériques du quotidien",
    "Prendre en main un ordinateur": "Maîtrise des outils numériques du quotidien",
    "Utiliser le numérique au quotidien": "Maîtrise des outils numériques du quotidien",
    "Approfondir ma culture numérique": "Compréhension du monde numérique",
    "Favoriser mon insertion professionnelle": "Insertion professionnelle via le numérique",
    "Accompagner les démarches de santé": "Aide aux démarches administratives",
    "Créer avec le numérique": "Loisirs et créations numériques",
    "Promouvoir la citoyenneté numérique": "Compréhension du monde numérique",
    "Soutenir la parentalité et l'éducation avec le numérique": "Parentalité et éducation avec le numérique",
    "Créer et développer mon entreprise": "Insertion professionnelle via le numérique",
}


def choices(values) -> list[tuple[str, str]]:
    """Form/model choices where the stored value is the standard's own string."""
    return [(value, value) for value in values]


def typology_choices() -> list[tuple[str, str]]:
    return sorted(
        ((code, f"{label} ({code})") for code, label in TYPOLOGIES.items()),
        key=lambda item: item[1],
    )
