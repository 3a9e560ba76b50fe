"""Renditions made by the task worker when an image is saved, not by a visitor's request.

Wagtail makes a rendition the first time a page asks for it, inside that request: resizing and
encoding (AVIF above all) take a good part of a second, and the first visitor of every page with
a new image waits for it. Each image saved is instead handed to the task worker, which makes
every size the templates ask for; pages then only read the renditions table.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django_tasks import task

from django.db import transaction
from django.db.models.signals import post_save

from wagtail.images.models import Filter

# Every rendition the templates ask for, written as they write them (the key is the spec).
# base.html: the network's logo; structure_page: a structure's logo; lieu_page, news_page: the
# photo; components/meta.html: the social card; components/blocks/image.html: the picture.
SPECS = (
    "height-80",
    "max-240x120",
    "width-800",
    "fill-1200x630",
    *Filter.expand_spec(["format-{avif,webp,jpeg}", "width-{400,800,1200}"]),
)

_deferred: ContextVar[bool] = ContextVar("renditions_deferred", default=False)


@contextmanager
def renditions_deferred():
    """Images saved inside get their renditions on demand (bulk generation of test data)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


@task()
def make_renditions(image_id: int) -> int:
    """Every rendition of SPECS the image lacks; how many the image has now."""
    from website.models import RelaisImage

    image = RelaisImage.objects.filter(pk=image_id).first()
    if image is None:
        return 0  # deleted before the worker came to it
    return len(image.get_renditions(*SPECS))


def _image_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or _deferred.get():
        return
    # After the commit: the worker must find the image, and a rolled-back upload asks nothing.
    transaction.on_commit(lambda: make_renditions.enqueue(instance.pk))


def connect() -> None:
    from website.models import RelaisImage

    post_save.connect(_image_saved, sender=RelaisImage, dispatch_uid="relais-renditions")
