"""The site's share of a generated network: editors' accounts and images."""

import io
import random

from PIL import Image as PILImage

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile

from wagtail.models import Collection

from website.models import RelaisImage
from website.progress import Progress
from website.renditions import renditions_deferred
from website.scale_sizes import ScaleSize
from website.setup import PARTICIPANTS

MARKER = "echelle"
BATCH = 500


def seed(*, size: ScaleSize, rng: random.Random, faker) -> None:
    _seed_editors(size.editors, faker)
    _seed_images(size.images, rng)


def _seed_editors(total: int, faker) -> None:
    user_model = get_user_model()
    existing = user_model.objects.filter(username__startswith=f"{MARKER}-").count()
    progress = Progress("Comptes", total - existing)
    participants = Group.objects.get(name=PARTICIPANTS)
    for start in range(existing, total, BATCH):
        users = []
        for number in range(start, min(start + BATCH, total)):
            user = user_model(
                username=f"{MARKER}-{number:05d}",
                first_name=faker.first_name(),
                last_name=faker.last_name(),
                email=f"{MARKER}-{number:05d}@example.org",
            )
            user.set_unusable_password()
            users.append(user)
        created = user_model.objects.bulk_create(users)
        participants.user_set.add(*created)
        progress.advance(len(created))
    progress.finish()


def _seed_images(total: int, rng: random.Random) -> None:
    existing = RelaisImage.objects.filter(title__startswith=f"{MARKER} ").count()
    collection = Collection.get_first_root_node()
    progress = Progress("Images", total - existing)
    with renditions_deferred():
        _create_images(existing, total, rng, collection, progress)
    progress.finish()


def _create_images(existing, total, rng, collection, progress) -> None:
    # Their renditions are made by the pages that show them, as in the benchmarks' cold runs.
    for number in range(existing, total):
        colour = tuple(rng.randrange(256) for _ in range(3))
        buffer = io.BytesIO()
        PILImage.new("RGB", (160, 120), colour).save(buffer, format="PNG")
        RelaisImage.objects.create(
            title=f"{MARKER} {number:05d}",
            description="Image générée pour les mesures de performance",
            collection=collection,
            file=ImageFile(buffer, name=f"{MARKER}-{number:05d}.png"),
        )
        progress.advance()
