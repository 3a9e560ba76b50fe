"""The wiki's share of a generated network: resources under the wiki, a tenth of them as
sub-pages, with bodies of 300 to 1,500 French words, themes and audiences, a history of
`revisions_per_ressource` versions by generated editors, and `comments_per_ressource`
comments (some of them questions, some answered).

Pages are created live (see structures/scale.py); their versions are written in bulk, each a
little longer than the one before, so the history and its comparisons have something to show.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from wagtail.models import Page, Revision

from ressources.models import Audience, Comment, Kind, RessourceIndexPage, RessourcePage, Theme
from website.progress import Progress
from website.scale_sizes import ScaleSize

MARKER = "echelle-ressource"
BATCH = 200
SUB_PAGE_SHARE = 0.1
QUESTION_SHARE = 0.3
VOCABULARY_SIZE = 3_000


def seed(*, size: ScaleSize, rng: random.Random, faker) -> None:
    wiki = RessourceIndexPage.objects.first()
    existing = RessourcePage.objects.filter(slug__startswith=f"{MARKER}-").count()
    if wiki is None or existing >= size.ressources:
        return
    # Words drawn from a fixed French vocabulary: prose-like frequencies, at a fraction of the
    # cost of asking Faker for every sentence.
    vocabulary = [faker.word() for _ in range(VOCABULARY_SIZE)]
    editors = list(
        get_user_model().objects.filter(username__startswith="echelle-").order_by("pk")[:500]
    )
    themes = list(Theme.objects.order_by("pk"))
    parents = [wiki, *RessourcePage.objects.filter(slug__startswith=f"{MARKER}-")[:50]]
    progress = Progress("Ressources", size.ressources - existing)
    pending: list[RessourcePage] = []
    for number in range(existing, size.ressources):
        parent = (
            rng.choice(parents[1:]) if len(parents) > 1 and rng.random() < SUB_PAGE_SHARE else wiki
        )
        page = parent.add_child(instance=_page(number, size, rng, vocabulary))
        if len(parents) < 50 and parent is wiki:
            parents.append(page)
        # Parental relations are kept in memory until a save: linked in bulk instead.
        page.chosen_themes = rng.sample(themes, min(len(themes), rng.randint(1, 3)))
        pending.append(page)
        if len(pending) == BATCH:
            _history_and_discussion(pending, size, rng, editors, vocabulary)
            pending = []
        progress.advance()
    _history_and_discussion(pending, size, rng, editors, vocabulary)
    progress.finish()


def _words(rng: random.Random, vocabulary: list[str], count: int) -> str:
    return " ".join(rng.choices(vocabulary, k=count))


def _paragraphs(rng, vocabulary, words: int) -> list[tuple]:
    blocks, left = [], words
    while left > 0:
        length = min(left, rng.randint(40, 120))
        sentence = _words(rng, vocabulary, length).capitalize()
        blocks.append(("paragraph", f"<p>{sentence}.</p>"))
        left -= length
    return blocks


def _page(number: int, size: ScaleSize, rng: random.Random, vocabulary) -> RessourcePage:
    published = timezone.now() - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
    return RessourcePage(
        title=_words(rng, vocabulary, rng.randint(3, 7)).capitalize(),
        slug=f"{MARKER}-{number:05d}",
        summary=_words(rng, vocabulary, 25).capitalize()[:300],
        kind=rng.choice(Kind.values),
        audiences=",".join(rng.sample(Audience.values, rng.randint(1, 2))),
        body=_paragraphs(rng, vocabulary, rng.randint(*size.ressource_words)),
        first_published_at=published,
        last_published_at=published,
    )


def _history_and_discussion(pages, size: ScaleSize, rng, editors, vocabulary) -> None:
    if not pages:
        return
    page_type = ContentType.objects.get_for_model(RessourcePage)
    base_type = ContentType.objects.get_for_model(Page)
    revisions = []
    for page in pages:
        content = page.serializable_data()
        body = list(page.body.raw_data)
        versions = size.revisions_per_ressource
        for version in range(versions):
            # Each version adds a paragraph to the one before; the last is the page as it is.
            shown = body[: max(1, len(body) - (versions - 1 - version))]
            revisions.append(
                Revision(
                    content_type=page_type,
                    base_content_type=base_type,
                    object_id=str(page.pk),
                    object_str=page.title,
                    user=rng.choice(editors) if editors else None,
                    created_at=page.first_published_at + timedelta(days=version * 7),
                    content={**content, "body": shown},
                )
            )
    created = Revision.objects.bulk_create(revisions)
    latest = {int(revision.object_id): revision.pk for revision in created}
    for page in pages:
        Page.objects.filter(pk=page.pk).update(
            latest_revision=latest[page.pk], live_revision=latest[page.pk]
        )
    comments = []
    for page in pages:
        for number in range(size.comments_per_ressource):
            question = rng.random() < QUESTION_SHARE
            written = page.first_published_at + timedelta(days=number + 1)
            answered = question and rng.random() < 0.5
            comments.append(
                Comment(
                    page=page,
                    author=rng.choice(editors) if editors else None,
                    body=_words(rng, vocabulary, rng.randint(8, 40)).capitalize() + ".",
                    is_question=question,
                    answered_at=written + timedelta(days=1) if answered else None,
                    created_at=written,
                )
            )
    Comment.objects.bulk_create(comments)
    through = RessourcePage.themes.through
    through.objects.bulk_create(
        [through(ressourcepage=page, theme=theme) for page in pages for theme in page.chosen_themes]
    )
