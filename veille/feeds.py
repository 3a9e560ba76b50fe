"""The watch's feeds: deadlines as iCalendar (one all-day entry per deadline, through the shared
writer) and new calls as RSS (on the structures' base feed)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from wagtail.models import Site

from structures.feeds import StructurePagesFeed
from veille.models import AppelKind
from veille.wording import deadline_text
from website.ics import IcsEvent, new_calendar, vevent


def call_uid(pk: int, host: str) -> str:
    """Stable across edits and moves: only the call's id and the site's host."""
    return f"relais-appel-{pk}-date-limite@{host}"


def deadlines_calendar(calls, *, request, name: str) -> HttpResponse:
    """`calls` come from selectors.deadline_calls (a few columns of each page)."""
    site = Site.find_for_request(request)
    host = site.hostname if site else request.get_host()
    stamp = timezone.now()
    kinds = {value: str(label) for value, label in AppelKind.choices}
    calendar = new_calendar(
        name=name, description=_("Les dates limites des appels à projets du réseau.")
    )
    for call in calls:
        url = call.get_full_url(request)
        when = deadline_text(call.deadline, call.deadline_time)
        lines = [_("Date limite : %(when)s") % {"when": when}, call.summary, url]
        calendar.add(
            vevent(
                IcsEvent(
                    uid=call_uid(call.pk, host),
                    summary=_("Date limite : %(title)s") % {"title": call.title},
                    start=call.deadline,
                    end=call.deadline,
                    all_day=True,
                    stamp=stamp,
                    sequence=call.latest_revision_id or 0,
                    last_modified=call.last_published_at,
                    categories=[kinds.get(call.kind, "")],
                    url=url,
                    description="\n\n".join(strip_tags(line) for line in lines if line),
                )
            )
        )
    response = HttpResponse(calendar.to_ics(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="veille-dates-limites.ics"'
    return response


class NewCallsFeed(StructurePagesFeed):
    def __init__(self, *, link: str, title: str, items, now):
        super().__init__()
        self._link, self._title, self._items, self._now = link, title, items, now

    def title(self):
        return self._title

    def link(self):
        return self._link

    def description(self):
        return _("Les derniers appels à projets publiés dans la veille du réseau.")

    def items(self):
        return self._items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # HTML for feed readers: the call's text goes in escaped.
        status = item.status(self._now)
        parts = [status.label]
        when = deadline_text(item.deadline, item.deadline_time)
        if when:
            parts.append(_("date limite : %(when)s") % {"when": when})
        funders = ", ".join(funder.name for funder in item.funders.all())
        html = f"<p>{escape(' · '.join(str(part) for part in parts))}</p>"
        if funders:
            html += f"<p>{escape(funders)}</p>"
        if item.summary:
            html += f"<p>{escape(item.summary)}</p>"
        return html

    def item_categories(self, item):
        return [item.get_kind_display(), *(theme.name for theme in item.themes.all())]


def new_calls_feed(*, link: str, title: str, items, now) -> NewCallsFeed:
    return NewCallsFeed(link=link, title=title, items=items, now=now)
