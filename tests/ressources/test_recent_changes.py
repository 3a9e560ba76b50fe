"""What changed in the wiki: lines that batch rapid edits, "Modifications récentes" and its feed."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from django.contrib.auth import get_user_model

from wagtail.models import PageViewRestriction

from ressources import changes
from ressources.factories import RessourcePageFactory
from ressources.following import follow
from ressources.models import Comment
from tests.clients import signed_in, text

ATOM = "{http://www.w3.org/2005/Atom}"
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def person(username, first_name="", last_name=""):
    return get_user_model().objects.create_user(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@example.org",
        password="x",
    )


def publish(page, user, **fields):
    """Publish a new version of `page` as `user` would from the editor."""
    page = page.specific.__class__.objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    return page


def create(wiki, user, title):
    """A resource written then published for the first time by `user`."""
    draft = RessourcePageFactory(
        parent=wiki,
        title=title,
        live=False,
        first_published_at=None,
        last_published_at=None,
    )
    return publish(draft, user)


@pytest.fixture
def awa(db):
    return person("awa", "Awa", "Diallo")


@pytest.fixture
def karim(db):
    return person("karim", "Karim", "B.")


def test_a_first_publication_is_a_creation_and_later_ones_are_changes(wiki, awa, karim):
    with time_machine.travel(MONDAY, tick=False):
        page = create(wiki, awa, "Trouver des bénévoles")
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        publish(page, karim, summary="Autrement dit.")
    lines = changes.changes_between(MONDAY - timedelta(hours=1), MONDAY + timedelta(days=2))
    assert [(line.kind, line.summary) for line in lines] == [
        ("changed", "modifiée par Karim B."),
        ("created", "créée par Awa Diallo"),
    ]


def test_rapid_successive_edits_of_a_page_make_one_line(wiki, awa, karim, ressource):
    for minutes, who in ((0, awa), (10, karim), (25, awa), (50, karim)):
        with time_machine.travel(MONDAY + timedelta(minutes=minutes), tick=False):
            publish(ressource, who)
    # Two hours later: a new session of edits, a new line.
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        publish(ressource, awa)
    lines = changes.changes_between(MONDAY - timedelta(hours=1), MONDAY + timedelta(hours=4))
    assert [line.summary for line in lines] == [
        "modifiée par Awa Diallo",
        "modifiée 4 fois par Awa Diallo et Karim B.",
    ]
    assert lines[1].first_at == MONDAY and lines[1].last_at == MONDAY + timedelta(minutes=50)


def test_comments_are_batched_per_page_and_each_question_keeps_its_line(
    wiki, awa, karim, ressource
):
    with time_machine.travel(MONDAY, tick=False):
        Comment.objects.create(page=ressource, author=awa, body="Merci !")
        Comment.objects.create(page=ressource, author=karim, body="Très utile.")
        Comment.objects.create(
            page=ressource, author=karim, body="Et pour les   mineurs ?", is_question=True
        )
        Comment.objects.create(
            page=ressource, author=awa, body="Spam", hidden_at=MONDAY + timedelta(hours=1)
        )
    lines = changes.changes_between(MONDAY - timedelta(hours=1), MONDAY + timedelta(hours=1))
    summaries = sorted((line.summary, line.excerpt) for line in lines)
    assert summaries == [
        ("2 commentaires de Awa Diallo et Karim B.", ""),
        ("question de Karim B.", "Et pour les mineurs ?"),
    ]


def test_comments_of_the_same_moment_are_named_in_the_order_they_were_written(
    wiki, awa, karim, ressource
):
    # Ids 9 and 10: compared as text, the second would come first.
    with time_machine.travel(MONDAY, tick=False):
        Comment.objects.create(pk=9, page=ressource, author=karim, body="Merci !")
        Comment.objects.create(pk=10, page=ressource, author=awa, body="Très utile.")
    [line] = changes.changes_between(MONDAY - timedelta(hours=1), MONDAY + timedelta(hours=1))
    assert line.summary == "2 commentaires de Karim B. et Awa Diallo"


def test_only_live_public_resources_count(wiki, awa, ressource):
    hidden = RessourcePageFactory(parent=wiki, title="Réservée")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    withdrawn = RessourcePageFactory(parent=wiki, title="Retirée")
    with time_machine.travel(MONDAY, tick=False):
        publish(hidden, awa)
        publish(withdrawn, awa)
        publish(ressource, awa)
        Comment.objects.create(page=hidden, author=awa, body="Pas pour tout le monde")
    withdrawn.unpublish()
    lines = changes.changes_between(None, MONDAY + timedelta(hours=1))
    assert [line.page.title for line in lines] == ["Réorienter une demande"]


def test_a_window_holds_what_happened_after_its_start_up_to_its_end(wiki, awa, ressource):
    for hours in (0, 2, 4):
        with time_machine.travel(MONDAY + timedelta(hours=hours), tick=False):
            publish(ressource, awa)
    lines = changes.changes_between(MONDAY, MONDAY + timedelta(hours=2))
    assert [line.first_at for line in lines] == [MONDAY + timedelta(hours=2)]


def test_followed_pages_bring_their_sub_pages_and_followed_tags_their_resources(
    wiki, awa, karim, ressource
):
    child = RessourcePageFactory(parent=ressource, title="Cas du repair café")
    tagged = RessourcePageFactory(parent=wiki, title="Trouver des bénévoles")
    tagged.tags.add("benevolat")
    tagged.save()
    other = RessourcePageFactory(parent=wiki, title="Autre chose")
    with time_machine.travel(MONDAY, tick=False):
        for page in (child, tagged, other):
            publish(page, karim)
    follow(user=awa, page=ressource)
    follow(user=awa, tag=tagged.tags.get())
    lines = changes.changes_between(None, None, pages=changes.followed_by(awa))
    assert sorted(line.page.title for line in lines) == [
        "Cas du repair café",
        "Trouver des bénévoles",
    ]
    follow(user=awa)  # the whole wiki
    assert changes.followed_by(awa) is None


def test_someone_who_follows_nothing_sees_nothing(wiki, awa, karim, ressource):
    with time_machine.travel(MONDAY, tick=False):
        publish(ressource, karim)
    assert changes.changes_between(None, None, pages=changes.followed_by(awa)) == []


def test_a_deleted_account_shows_as_a_former_member(wiki, awa, ressource):
    with time_machine.travel(MONDAY, tick=False):
        publish(ressource, awa)
        Comment.objects.create(page=ressource, author=awa, body="Merci")
    awa.delete()
    lines = changes.changes_between(None, None)
    assert {line.names for line in lines} == {"ancien membre"}


def test_names_are_listed_in_french():
    assert changes.people_names(["Awa"]) == "Awa"
    assert changes.people_names(["Awa", "Karim"]) == "Awa et Karim"
    assert changes.people_names(["Awa", "Karim", "Léa"]) == "Awa, Karim et Léa"
    assert changes.people_names(["A", "B", "C", "D", "E"]) == "A, B et 3 autres personnes"


# --- The page ----------------------------------------------------------------------------------


def changes_url(wiki):
    return wiki.url + "modifications/"


def test_the_recent_changes_page_lists_batched_lines_to_visitors(client, wiki, awa, ressource):
    with time_machine.travel(MONDAY, tick=False):
        publish(ressource, awa)
        publish(ressource, awa, title="Réorienter une demande <b>vite</b>")
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        page = text(client.get(changes_url(wiki)))
    assert "Modifications récentes" in page
    assert f'href="{ressource.url}"' in page
    assert (
        "Réorienter une demande &lt;b&gt;vite&lt;/b&gt;</a> : modifiée 2 fois par Awa Diallo"
        in page
    )
    assert 'type="application/atom+xml"' in page and "/wiki/modifications/atom.xml" in page
    assert "Seulement ce que je suis" not in page  # a filter for logged-in people only


def test_the_filter_keeps_what_i_follow(wiki, awa, karim, ressource):
    other = RessourcePageFactory(parent=wiki, title="Autre fiche")
    with time_machine.travel(MONDAY, tick=False):
        publish(ressource, karim)
        publish(other, karim)
    follow(user=awa, page=ressource)
    client = signed_in(awa)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        everything = text(client.get(changes_url(wiki)))
        mine = text(client.get(changes_url(wiki), {"suivis": "1"}))
        # Hostile or odd values are simply not the filter.
        odd = client.get(changes_url(wiki), {"suivis": "<script>", "page": "-1' OR 1=1"})
    assert "Autre fiche" in everything and "Réorienter une demande" in everything
    assert "Réorienter une demande" in mine and "Autre fiche" not in mine
    assert odd.status_code == 200 and "<script>" not in odd.content.decode()


def test_the_page_is_paginated(client, wiki, awa):
    pages = [RessourcePageFactory(parent=wiki, title=f"Fiche {n:02}") for n in range(35)]
    for n, page in enumerate(pages):
        with time_machine.travel(MONDAY + timedelta(minutes=n), tick=False):
            publish(page, awa)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        first = text(client.get(changes_url(wiki)))
        second = text(client.get(changes_url(wiki), {"page": 2}))
    assert "Fiche 34" in first and "Fiche 05" in first and "Fiche 04" not in first
    assert "Fiche 04" in second and "Fiche 00" in second and "Page 2 sur 2" in second


def _changes(wiki, count, author, commenter):
    for n in range(count):
        page = RessourcePageFactory(parent=wiki, title=f"Page {n}")
        with time_machine.travel(MONDAY + timedelta(minutes=n), tick=False):
            publish(page, author)
            Comment.objects.create(page=page, author=commenter, body="Bien", is_question=n % 2)


@pytest.mark.parametrize("count", [2, 25])
def test_the_number_of_queries_does_not_grow_with_the_changes_shown(
    database_cache, wiki, awa, karim, count, django_assert_max_num_queries
):
    _changes(wiki, count, awa, karim)
    follow(user=awa)
    client = signed_in(awa)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        client.get(changes_url(wiki))  # warms the site's caches, as any earlier visit would
        # Session, user, page routing, site settings, menus: 14; follows, publications,
        # comments, pages: 4.
        with django_assert_max_num_queries(18):
            response = client.get(changes_url(wiki), {"suivis": "1"})
    # A publication and a comment per page; 30 lines a page.
    assert text(response).count("<time datetime=") == min(2 * count, 30)


@pytest.mark.parametrize("count", [1, 20])
def test_changes_are_read_in_three_queries_whatever_their_number(
    wiki, awa, karim, count, django_assert_num_queries
):
    _changes(wiki, count, awa, karim)
    with django_assert_num_queries(3):
        lines = changes.changes_between(None, None)
    assert len(lines) == 2 * count


# --- The Atom feed ---------------------------------------------------------------------------


def test_the_atom_feed_parses_back_with_ids_updates_and_links(client, wiki, awa, karim, ressource):
    secret = RessourcePageFactory(parent=wiki, title="Réservée")
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    with time_machine.travel(MONDAY, tick=False):
        publish(ressource, awa)
        publish(secret, awa)
    with time_machine.travel(MONDAY + timedelta(minutes=20), tick=False):
        publish(ressource, karim)
        Comment.objects.create(page=ressource, author=karim, body="Et <script>?", is_question=True)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        response = client.get("/wiki/modifications/atom.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (the site's own feed)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text.endswith("/ressources/modifications/")
    assert feed.find(f"{ATOM}updated").text == "2026-03-02T09:20:00+00:00"
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2  # the restricted resource is not there
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 2
    for entry in entries:
        assert entry.find(f"{ATOM}title").text.startswith("Réorienter une demande — ")
        assert (
            entry.find(f"{ATOM}link").get("href")
            == "http://localhost/ressources/reorienter-une-demande/"
        )
        assert entry.find(f"{ATOM}updated").text.startswith("2026-03-02T09:")
    titles = sorted(entry.find(f"{ATOM}title").text for entry in entries)
    assert titles == [
        "Réorienter une demande — modifiée 2 fois par Awa Diallo et Karim B.",
        "Réorienter une demande — question de Karim B.",
    ]
    assert "Réservée" not in response.content.decode()


def test_the_feed_answers_304_while_nothing_changed(client, wiki, awa, ressource):
    with time_machine.travel(MONDAY, tick=False):
        publish(ressource, awa)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        first = client.get("/wiki/modifications/atom.xml")
        again = client.get("/wiki/modifications/atom.xml", HTTP_IF_NONE_MATCH=first["ETag"])
        publish(ressource, awa)
        changed = client.get("/wiki/modifications/atom.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert changed.status_code == 200
