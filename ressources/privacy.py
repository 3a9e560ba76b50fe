"""The wiki's part of the personal data (see website.privacy_services): comments, reports,
follows, digest and last visits. The follows, the digest and the visits go with the account
(their foreign keys cascade); comments stay, signed "ancien membre"."""

from ressources import discussion, following
from ressources.models import CommentReport


def export_data(user) -> dict:
    return discussion.export_data(user) | following.export_data(user)


def forget(user, *, former) -> None:
    # A report still asks the moderators a question: it stays, from "ancien membre" (once per
    # comment: a report from another former member already asks it).
    reports = CommentReport.objects.filter(reporter=user)
    reports.filter(comment__reports__reporter=former).delete()
    reports.update(reporter=former)
