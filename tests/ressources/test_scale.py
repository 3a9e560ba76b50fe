"""The wiki's share of seed_scale: resources with their history and discussion, in bulk."""

import random
from dataclasses import replace

from faker import Faker

from ressources import scale
from ressources.models import Comment, RessourcePage
from tests.clients import text
from website.factories import UserFactory
from website.scale_sizes import SIZES


def test_scale_tops_up_the_wiki_with_versions_to_compare_and_discussions(wiki, orientation, client):
    for number in range(3):
        UserFactory(username=f"echelle-{number:05d}")
    size = replace(SIZES["S"], ressources=24, ressource_words=(60, 200))
    faker = Faker("fr_FR")
    scale.seed(size=size, rng=random.Random(1), faker=faker)
    scale.seed(size=size, rng=random.Random(1), faker=faker)  # tops up: nothing more
    pages = RessourcePage.objects.filter(slug__startswith="echelle-ressource-")
    assert pages.count() == 24 and pages.live().count() == 24
    assert 0 < pages.exclude(depth=wiki.depth + 1).count() < 12  # some sub-pages
    page = pages.order_by("pk").last()
    versions = list(page.revisions.order_by("created_at"))
    assert len(versions) == size.revisions_per_ressource
    assert page.live_revision_id == page.latest_revision_id == versions[-1].pk
    assert all(version.user_id for version in versions)
    lengths = [len(version.as_object().body) for version in versions]
    assert lengths == sorted(lengths) and lengths[0] < lengths[-1]
    assert Comment.objects.filter(page__in=pages).count() == 24 * size.comments_per_ressource
    assert not pages.filter(themes=None).exists()
    html = text(client.get(page.url))
    assert page.title in html
    history = client.get(page.url + "historique/")
    assert history.status_code == 200
