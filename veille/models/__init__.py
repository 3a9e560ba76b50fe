from .alerts import Alert, Frequency
from .funders import DEFAULT_THEMES, Funder, FunderKind, Theme
from .interest import Interest, InterestStatus
from .pages import AppelKind, AppelPage, Recurrence, Scope, Source, VeilleIndexPage

__all__ = [
    "DEFAULT_THEMES",
    "Alert",
    "AppelKind",
    "AppelPage",
    "Frequency",
    "Funder",
    "FunderKind",
    "Interest",
    "InterestStatus",
    "Recurrence",
    "Scope",
    "Source",
    "Theme",
    "VeilleIndexPage",
]
