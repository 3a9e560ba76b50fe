from .actions import Action
from .choices import OPEN_STATUSES, Licence, MethodKind, Objective, Status
from .pages import BilanIndexPage, BilanPage, BilanParticipation, MethodIndexPage, MethodPage

__all__ = [
    "OPEN_STATUSES",
    "Action",
    "BilanIndexPage",
    "BilanPage",
    "BilanParticipation",
    "Licence",
    "MethodIndexPage",
    "MethodKind",
    "MethodPage",
    "Objective",
    "Status",
]
