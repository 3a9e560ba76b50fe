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
    "Category",
    "EventPage",
    "EventTag",
    "Mode",
    "Occurrence",
    "OccurrenceOverride",
    "Status",
]
