"""The report of an import, shared by every app that reads records from someone else's file.

Each record gets one outcome: created, updated, unchanged or skipped, with French notes saying
where it went and why. Independently, a record may be *flagged*: it was stored, but something in
it looks wrong (a date in 1969, a point 500 km from its commune) and a person should look.
A flagged record says what was kept and what was dropped, so nothing suspicious is stored
silently.

Messages are French and complete sentences; the command that runs the import prints
``report.lines()`` then ``report.summary()``.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        return {
            Action.CREATED: _("créé"),
            Action.UPDATED: _("mis à jour"),
            Action.UNCHANGED: _("inchangé"),
            Action.SKIPPED: _("ignoré"),
        }[self]


@dataclass
class Outcome:
    """What happened to one record of the file."""

    where: str  # where a person finds it in the file: « ligne 3 », « enregistrement 3 »
    key: str = ""  # the record's identifier, as the file gives it
    label: str = ""  # what a person recognises: a name
    action: Action | None = None
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def note(self, message: str) -> None:
        self.notes.append(message)

    def flag(self, message: str) -> None:
        self.flags.append(message)

    def skip(self, reason: str) -> None:
        self.action = Action.SKIPPED
        self.notes.append(reason)

    def line(self) -> str:
        who = self.label or self.key or _("sans nom")
        if self.key and self.label:
            who = f"{self.label} ({self.key})"
        action = self.action.label if self.action else _("non traité")
        where = self.where[:1].upper() + self.where[1:]
        parts = [
            _("%(where)s, %(who)s : %(action)s.") % {"where": where, "who": who, "action": action}
        ]
        parts.extend(note[:1].upper() + note[1:] for note in self.notes)
        if self.flags:
            parts.append(_("À vérifier : %(flags)s") % {"flags": " ; ".join(self.flags)})
        return " ".join(
            part if part.endswith((".", "!", "?", "…")) else part + "." for part in parts
        )


@dataclass
class ImportReport:
    """Every record's outcome, in file order, and what the whole import did."""

    source: str = ""
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # With a sink, settle() hands the finished outcomes' lines to it and keeps their counts
    # only: an import of any size then holds one batch of outcomes at a time.
    sink: Callable[[str], Any] | None = None
    settled: Counter = field(default_factory=Counter)
    settled_flagged: int = 0

    def outcome(self, where: str, *, key: str = "", label: str = "") -> Outcome:
        outcome = Outcome(where=where, key=key, label=label)
        self.outcomes.append(outcome)
        return outcome

    def note(self, message: str) -> None:
        """Something about the import as a whole (a structure created to hold the records…)."""
        if self.sink is not None:
            self.sink(message)
        else:
            self.notes.append(message)

    def settle(self) -> None:
        """With a sink: every outcome so far is final, written out and counted."""
        if self.sink is None:
            return
        for outcome in self.outcomes:
            self.sink(outcome.line())
            self.settled[outcome.action] += 1
            self.settled_flagged += outcome.flagged
        self.outcomes = []

    def count(self, action: Action) -> int:
        return self.settled[action] + sum(
            1 for outcome in self.outcomes if outcome.action == action
        )

    @property
    def flagged(self) -> list[Outcome]:
        """The flagged outcomes not yet settled (all of them, without a sink)."""
        return [outcome for outcome in self.outcomes if outcome.flagged]

    def counts(self) -> Counter:
        return self.settled + Counter(outcome.action for outcome in self.outcomes)

    def lines(self) -> list[str]:
        return [*self.notes, *(outcome.line() for outcome in self.outcomes)]

    def summary(self) -> str:
        created, updated = self.count(Action.CREATED), self.count(Action.UPDATED)
        unchanged, skipped = self.count(Action.UNCHANGED), self.count(Action.SKIPPED)
        flagged = self.settled_flagged + len(self.flagged)
        read = sum(self.settled.values()) + len(self.outcomes)
        parts = [
            ngettext("%(count)s enregistrement lu", "%(count)s enregistrements lus", read),
            ngettext("%(count)s créé", "%(count)s créés", created),
            ngettext("%(count)s mis à jour", "%(count)s mis à jour", updated),
            ngettext("%(count)s inchangé", "%(count)s inchangés", unchanged),
            ngettext("%(count)s ignoré", "%(count)s ignorés", skipped),
            ngettext("%(count)s à vérifier", "%(count)s à vérifier", flagged),
        ]
        numbers = [read, created, updated, unchanged, skipped, flagged]
        text = ", ".join(
            part % {"count": number} for part, number in zip(parts, numbers, strict=True)
        )
        text = text[0].upper() + text[1:] + "."
        if self.dry_run:
            text += " " + _("Essai à blanc : rien n'a été enregistré.")
        return text
