"""Following a resource, a tag or the whole wiki, and choosing how often to hear about it."""

import pytest

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from ressources.following import export_data, follow, set_frequency
from ressources.models import DigestSubscription, Follow, Frequency
from tests.clients import signed_in, text

FOLLOWS = "/wiki/suivis/"
FOLLOW_WIKI = "/wiki/suivre/tout/"
FOLLOW_TAG = "/wiki/suivre/mot-cle/"


def follow_url(page) -> str:
    return page.url + "suivre/"


def test_visitors_are_invited_to_log_in_and_cannot_follow(client, wiki, ressource):
    assert "Connectez-vous pour suivre" in text(client.get(ressource.url))
    assert "Connectez-vous pour suivre" in text(client.get(wiki.url))
    for url, data in (
        (follow_url(ressource), {"action": "suivre"}),
        (FOLLOW_WIKI, {"action": "suivre"}),
        (FOLLOW_TAG, {"action": "suivre", "mot_cle": "orientation"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert client.get(FOLLOWS).status_code == 302
    assert not Follow.objects.exists()


def test_a_participant_follows_and_stops_following_a_resource(participant, ressource):
    client = signed_in(participant)
    page = text(client.get(ressource.url))
    assert f'action="{follow_url(ressource)}"' in page and "Suivre cette ressource" in page
    response = client.post(follow_url(ressource), {"action": "suivre"})
    assert response.status_code == 302 and response["Location"] == ressource.url
    assert Follow.objects.filter(user=participant, page=ressource).exists()
    page = text(client.get(ressource.url))
    assert "Vous suivez maintenant « Réorienter une demande »" in page
    assert "Ne plus suivre cette ressource" in page
    client.post(follow_url(ressource), {"action": "suivre"})  # twice is once
    assert Follow.objects.filter(user=participant).count() == 1
    client.post(follow_url(ressource), {"action": "ne-plus-suivre"})
    assert not Follow.objects.filter(user=participant).exists()


def test_a_first_follow_brings_a_weekly_digest(participant, ressource):
    follow(user=participant, page=ressource)
    assert DigestSubscription.objects.get(user=participant).frequency == Frequency.WEEKLY


def test_following_needs_a_post_with_its_csrf_token(participant, ressource):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(participant)
    assert client.get(follow_url(ressource)).status_code == 405
    assert client.post(follow_url(ressource), {"action": "suivre"}).status_code == 403
    assert client.post(FOLLOW_WIKI, {"action": "suivre"}).status_code == 403
    assert not Follow.objects.exists()
    page = client.get(ressource.url)
    token = page.cookies["csrftoken"].value
    response = client.post(
        follow_url(ressource), {"action": "suivre", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Follow.objects.filter(user=participant, page=ressource).exists()


def test_the_whole_wiki_is_followed_from_its_home(participant, wiki, ressource):
    client = signed_in(participant)
    home = text(client.get(wiki.url))
    assert "Suivre tout le wiki" in home and f'action="{FOLLOW_WIKI}"' in home
    response = client.post(FOLLOW_WIKI, {"action": "suivre", "suivant": wiki.url})
    assert response["Location"] == wiki.url
    assert Follow.objects.filter(user=participant, page=None, tag=None).exists()
    assert "Ne plus suivre tout le wiki" in text(client.get(wiki.url))
    assert "Vous suivez déjà tout le wiki." in text(client.get(ressource.url))


def test_a_tag_is_followed_from_the_tag_list_or_a_tag_filter(participant, wiki, ressource):
    client = signed_in(participant)
    home = text(client.get(wiki.url))
    assert f'action="{FOLLOW_TAG}"' in home and '<option value="orientation">' in home
    filtered = text(client.get(wiki.url, {"mot_cle": "partenariat"}))
    assert "Suivre le mot-clé « partenariat »" in filtered
    client.post(FOLLOW_TAG, {"action": "suivre", "mot_cle": "partenariat"})
    follows = Follow.objects.filter(user=participant)
    assert [item.tag.slug for item in follows] == ["partenariat"]
    filtered = text(client.get(wiki.url, {"mot_cle": "partenariat"}))
    assert "Ne plus suivre le mot-clé « partenariat »" in filtered
    assert "partenariat (déjà suivi)" in filtered


def test_hostile_or_broken_follow_requests_change_nothing(participant, ressource):
    client = signed_in(participant)
    assert client.post(follow_url(ressource), {"action": "<script>"}).status_code == 400
    assert client.post(follow_url(ressource), {}).status_code == 400
    assert (
        client.post(FOLLOW_TAG, {"action": "suivre", "mot_cle": "n'existe pas"}).status_code == 400
    )
    assert client.post(FOLLOW_TAG, {"action": "suivre", "mot_cle": "inconnu"}).status_code == 404
    assert client.post(FOLLOW_TAG, {"action": "suivre", "mot_cle": "x" * 5000}).status_code == 400
    assert not Follow.objects.exists()
    # Somewhere else to go after following: only on this site.
    response = client.post(FOLLOW_WIKI, {"action": "suivre", "suivant": "https://evil.example/"})
    assert response["Location"] == "/ressources/"
    response = client.post(FOLLOW_WIKI, {"action": "suivre", "suivant": "//evil.example/x"})
    assert response["Location"] == "/ressources/"


def test_my_follows_lists_what_i_follow_with_the_digest_frequency(participant, wiki, ressource):
    follow(user=participant, page=ressource)
    follow(user=participant, tag=ressource.tags.get(slug="orientation"))
    follow(user=participant)
    client = signed_in(participant)
    page = text(client.get(FOLLOWS))
    assert "Tout le wiki" in page
    assert "Le mot-clé « orientation »" in page
    assert f'<a href="{ressource.url}">Réorienter une demande</a>' in page
    assert 'value="hebdomadaire" id="id_frequency_1" required checked' in page
    for label in ("Chaque jour", "Chaque semaine", "Jamais"):
        assert label in page
    response = client.post(FOLLOWS, {"frequency": "quotidien"})
    assert response.status_code == 302
    assert DigestSubscription.objects.get(user=participant).frequency == Frequency.DAILY
    # Unfollowing from the list comes back to it.
    response = client.post(
        FOLLOW_TAG, {"action": "ne-plus-suivre", "mot_cle": "orientation", "suivant": FOLLOWS}
    )
    assert response["Location"] == FOLLOWS
    assert "Le mot-clé « orientation »" not in text(client.get(FOLLOWS))


def test_an_unknown_frequency_is_refused_with_a_french_message(participant):
    client = signed_in(participant)
    for value in ("toutes-les-minutes", "<script>alert(1)</script>", "x" * 10000):
        response = client.post(FOLLOWS, {"frequency": value})
        assert response.status_code == 400
        assert "Choisissez une des fréquences proposées." in text(response)
        assert "<script>alert" not in response.content.decode()
    assert not DigestSubscription.objects.filter(frequency="toutes-les-minutes").exists()


def test_coming_back_from_never_starts_the_digest_from_now(participant, ressource):
    follow(user=participant)
    set_frequency(user=participant, frequency=Frequency.NEVER)
    subscription = set_frequency(user=participant, frequency=Frequency.DAILY)
    assert subscription.covered_until is not None


def test_my_follows_need_an_account(client):
    response = client.get(FOLLOWS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_data_export_holds_follows_and_the_digest_preference(participant, ressource):
    follow(user=participant, page=ressource)
    follow(user=participant, tag=ressource.tags.get(slug="orientation"))
    set_frequency(user=participant, frequency=Frequency.DAILY)
    data = export_data(participant)
    assert [(item["target"], item["page"], item["tag"]) for item in data["wiki_follows"]] == [
        ("page", "Réorienter une demande", None),
        ("tag", None, "orientation"),
    ]
    assert data["wiki_digest"]["frequency"] == "quotidien"
    stranger = get_user_model().objects.create_user(username="personne")
    assert export_data(stranger) == {
        "wiki_follows": [],
        "wiki_digest": {"frequency": "hebdomadaire", "covered_until": None},
        "wiki_last_visits": [],
    }


@pytest.mark.parametrize("path", [FOLLOWS, "/ressources/modifications/"])
def test_following_pages_are_not_indexed(participant, wiki, path):
    assert '<meta name="robots" content="noindex">' in text(signed_in(participant).get(path))
