"""The method library's and the actions' fixed vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Objective(models.TextChoices):
    THINK = "reflechir", _("Réfléchir ensemble")
    CONNECT = "lien", _("Créer du lien")
    EVALUATE = "evaluer", _("Évaluer et apprendre")
    ENERGY = "energie", _("Réguler l'énergie")
    DECIDE = "decider", _("Décider ensemble")


class MethodKind(models.TextChoices):
    ICEBREAKER = "brise-glace", _("Brise-glace")
    ENERGIZER = "energiseur", _("Énergiseur")
    RETROSPECTIVE = "retrospective", _("Rétrospective")
    INTERVIEW = "entretien", _("Entretiens")
    CODEVELOPMENT = "codeveloppement", _("Codéveloppement")
    COLLECTIVE = "intelligence-collective", _("Intelligence collective")
    FEEDBACK = "retour", _("Retour à chaud")


class Licence(models.TextChoices):
    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons BY-SA 4.0")
    CC_BY = "cc-by-4.0", _("Creative Commons BY 4.0")
    CC0 = "cc0", _("Domaine public (CC0)")
    FREE_USE = "usage-libre", _("Usage libre, source à citer")
    RESERVED = "reserve", _("Tous droits réservés")


class Status(models.TextChoices):
    TODO = "a_faire", _("À faire")
    IN_PROGRESS = "en_cours", _("En cours")
    DONE = "faite", _("Faite")
    ABANDONED = "abandonnee", _("Abandonnée")


OPEN_STATUSES = (Status.TODO, Status.IN_PROGRESS)
