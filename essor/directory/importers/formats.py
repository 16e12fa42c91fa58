"""The official headers of the files the importers read (no Django here: the
benchmark's generator uses them too)."""

# The whole of INSEE's headers (Sirene 3.11 stock files, 2025), so that a misspelt
# column is not mistaken for one of the columns we do not read.
UNIT_HEADER = [
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale",
    "prenom3UniteLegale", "prenom4UniteLegale", "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale", "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale", "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale", "nombrePeriodesUniteLegale", "categorieEntreprise",
    "anneeCategorieEntreprise", "dateDebut", "etatAdministratifUniteLegale", "nomUniteLegale",
    "nomUsageUniteLegale", "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale", "activitePrincipaleNAF25UniteLegale",
]  # fmt: skip
ESTABLISHMENT_HEADER = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement",
    "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement", "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement", "libelleVoieEtablissement", "codePostalEtablissement",
    "libelleCommuneEtablissement", "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement", "codeCommuneEtablissement", "codeCedexEtablissement",
    "libelleCedexEtablissement", "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement", "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement",
    "complementAdresse2Etablissement", "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement", "typeVoie2Etablissement", "libelleVoie2Etablissement",
    "codePostal2Etablissement", "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement", "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement", "codeCedex2Etablissement", "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement", "dateDebut",
    "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement", "activitePrincipaleNAF25Etablissement",
]  # fmt: skip

# The RNA's "waldec" export, as published on data.gouv.fr.
RNA_HEADER = [
    "id", "id_ex", "siret", "rup_mi", "gestion", "date_creat", "date_decla", "date_publi",
    "date_disso", "nature", "groupement", "titre", "titre_court", "objet", "objet_social1",
    "objet_social2", "adrs_complement", "adrs_numvoie", "adrs_repetition", "adrs_typevoie",
    "adrs_libvoie", "adrs_distrib", "adrs_codeinsee", "adrs_codepostal", "adrs_libcommune",
    "adrs_pays", "adrg_declarant", "adrg_complemid", "adrg_complemgeo", "adrg_libvoie",
    "adrg_distrib", "adrg_codepostal", "adrg_achemine", "adrg_pays", "dir_civilite", "siteweb",
    "publiweb", "observation", "position", "maj_time",
]  # fmt: skip
