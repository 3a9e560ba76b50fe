"""Occurrence rows follow the published state of their event."""

from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from agenda.models import EventPage
from agenda.services import clear_occurrences, rebuild_occurrences


@receiver(page_published, sender=EventPage)
def event_published(sender, instance, **kwargs):
    rebuild_occurrences(event=instance)


@receiver(page_unpublished, sender=EventPage)
def event_unpublished(sender, instance, **kwargs):
    clear_occurrences(event=instance)
