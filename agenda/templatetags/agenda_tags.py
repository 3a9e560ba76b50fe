from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import selectors
from agenda.models import AgendaPage, Status
from website import page_cache
from website.queries import without_restricted
from website.sections import home_section

register = template.Library()

HOME_LIMIT = 8


def _shown(occurrences) -> list:
    """The sessions a block shows; a cached page showing them turns when one starts or ends."""
    occurrences = list(occurrences)
    page_cache.changes_at(*(moment for o in occurrences for moment in (o.start, o.end)))
    return occurrences


@register.inclusion_tag("components/home_section.html", takes_context=True)
def events_this_week(context):
    return home_section(
        context,
        AgendaPage,
        heading=_("Cette semaine dans le réseau"),
        items=_shown(selectors.this_week(timezone.now())[:HOME_LIMIT]),
        item_template="agenda/components/occurrence.html",
    )


def _feeds(request, *, query: str, name: str) -> dict:
    """The agenda's calendar and RSS feeds for one filter query (empty if there is no agenda)."""
    agenda = without_restricted(AgendaPage.objects.live()).first()
    if agenda is None:
        return {}
    base = agenda.get_url(request)
    return {
        "ics": f"{base}{agenda.reverse_subpage('ics')}?{query}",
        "rss": f"{base}{agenda.reverse_subpage('rss')}?{query}",
        "name": _("Agenda : %(name)s") % {"name": name},
    }


def _structure_feeds(request, structure) -> dict:
    return _feeds(request, query=f"structure={structure.slug}", name=structure.title)


def _place_feeds(request, place) -> dict:
    return _feeds(request, query=f"lieu={place.pk}", name=place.title)


@register.inclusion_tag("agenda/components/place_events.html", takes_context=True)
def place_events(context, place, limit=5):
    """A place's next sessions, for the LieuPage template (structures never imports agenda)."""
    request = context.get("request")
    events = selectors.public_events().filter(place=place)
    items = _shown(selectors.upcoming(timezone.now(), limit, events=events))
    return {"request": request, "items": items, "feeds": _place_feeds(request, place)}


@register.inclusion_tag("agenda/components/place_events.html", takes_context=True)
def structure_events(context, structure, limit=5):
    """A structure's next sessions, for the StructurePage template."""
    request = context.get("request")
    events = selectors.public_events().descendant_of(structure)
    items = _shown(selectors.upcoming(timezone.now(), limit, events=events))
    return {"request": request, "items": items, "feeds": _structure_feeds(request, structure)}


@register.inclusion_tag("agenda/components/feed_links.html", takes_context=True)
def agenda_feed_links(context, structure=None, place=None):
    """<link rel="alternate"> to the agenda's feeds of a structure or a place, for their <head>:
    `{% block head_extra %}{% agenda_feed_links structure=page %}{% endblock %}`."""
    request = context.get("request")
    feeds = _structure_feeds(request, structure) if structure else _place_feeds(request, place)
    return feeds or {"ics": "", "rss": ""}


@register.simple_tag
def occurrence_status(item) -> str:
    """What a listing says of a session besides its time: cancelled, postponed, full, moved."""
    if item.cancelled:
        return _("Annulé")
    if item.event.status != Status.SCHEDULED:
        return item.event.get_status_display()
    if item.overridden:
        return _("Horaire modifié")
    return ""


@register.filter
def webcal(url: str) -> str:
    """The same feed for calendar apps that subscribe on a webcal:// link."""
    return "webcal://" + url.split("://", 1)[-1]
