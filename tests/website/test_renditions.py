"""Renditions are made by the task worker when an image is saved, not by the page that shows it."""

import wagtail_factories
from django_tasks_db.models import DBTaskResult

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage
from website.models import RelaisRendition
from website.renditions import SPECS, make_renditions, renditions_deferred


def specs_of(image) -> set[str]:
    return set(RelaisRendition.objects.filter(image=image).values_list("filter_spec", flat=True))


def test_a_saved_image_gets_every_rendition_the_templates_ask_for(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = wagtail_factories.ImageFactory(title="Façade du CCAS")

    assert specs_of(image) == set(SPECS)
    assert "format-avif|width-800" in SPECS


def test_the_page_showing_the_photo_then_makes_no_rendition_itself(
    home, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = wagtail_factories.ImageFactory(title="Salle informatique")
    structure = StructurePageFactory(parent=StructureIndexPage.objects.get())
    lieu = LieuPageFactory(parent=structure, photo=image)
    made = RelaisRendition.objects.count()

    with CaptureQueriesContext(connection) as queries:
        page = client.get(lieu.url)

    assert page.status_code == 200
    assert RelaisRendition.objects.get(image=image, filter_spec="width-800").url in (
        page.content.decode()
    )
    assert RelaisRendition.objects.count() == made
    assert not [q for q in queries if "INSERT" in q["sql"] and "rendition" in q["sql"]]


def test_with_the_database_task_backend_the_upload_only_queues_the_work(
    db, django_capture_on_commit_callbacks
):
    with (
        override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        image = wagtail_factories.ImageFactory(title="Affiche de l'atelier")

    assert specs_of(image) == set()
    queued = DBTaskResult.objects.get(task_path="website.renditions.make_renditions")
    assert queued.args_kwargs["args"] == [image.pk]
    # What the worker then runs:
    assert make_renditions.call(image.pk) == len(SPECS)
    assert specs_of(image) == set(SPECS)


def test_images_generated_in_bulk_and_images_deleted_before_the_worker_cost_nothing(
    db, django_capture_on_commit_callbacks
):
    # The commit's callbacks run, and the immediate test backend would make the renditions.
    with renditions_deferred(), django_capture_on_commit_callbacks(execute=True):
        image = wagtail_factories.ImageFactory(title="Image générée")

    assert specs_of(image) == set()
    assert make_renditions.call(image.pk + 1000) == 0
