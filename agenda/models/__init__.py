from .moderation import (
    AgendaSettings,
    EventModerationTask,
    EventProposal,
    ProposalStatus,
)
from .pages import (
    AgendaPage,
    Category,
    EventPage,
    EventTag,
    Mode,
    Occurrence,
    OccurrenceOverride,
    Status,
)

__all__ = [
    "AgendaPage",
    "AgendaSettings",
    "EventModerationTask",
    "EventProposal",
    "ProposalStatus",
    "Category",
    "EventPage",
    "EventTag",
    "Mode",
    "Occurrence",
    "OccurrenceOverride",
    "Status",
]
