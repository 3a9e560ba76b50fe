"""The wiki's home and a resource as visitors and participants see them."""

import pytest

from django.core.exceptions import ValidationError

from wagtail.models import Page

from ressources.factories import RessourcePageFactory, ThemeFactory
from ressources.models import RessourcePage
from tests.clients import signed_in, text


def body(blocks):
    return [{"type": kind, "value": value} for kind, value in blocks]


def test_a_resource_shows_its_fields_its_blocks_and_its_structures(client, ressource, structure):
    ressource.body = body(
        [
            ("heading", {"text": "Avant d'orienter", "level": "h2"}),
            (
                "steps",
                {
                    "steps": [
                        {"title": "Écouter la demande", "text": "<p>Sans juger.</p>"},
                        {"title": "Appeler la structure", "text": ""},
                    ]
                },
            ),
            ("checklist", {"title": "À vérifier", "items": ["Horaires à jour", "Un contact"]}),
            ("callout", {"title": "À savoir", "text": "<p>Prévenez la personne.</p>"}),
            (
                "links",
                {"title": "Liens", "links": [{"label": "Annuaire", "url": "https://example.org"}]},
            ),
            (
                "table",
                {
                    "caption": "Qui fait quoi",
                    "columns": ["Demande", "Vers"],
                    "rows": [{"cells": ["Réparer", "Repair café"]}],
                },
            ),
        ]
    )
    ressource.used_by.set([structure])
    ressource.save_revision().publish()
    page = text(client.get(ressource.url))
    assert "<h1>Réorienter une demande</h1>" in page
    assert "Fiche pratique · pour les professionnels, bénévoles" in page
    assert "Quand une demande dépasse l'atelier" in page
    assert "Thèmes : Orientation" in page
    assert 'href="/ressources/?mot_cle=partenariat"' in page
    assert '<ol class="steps">' in page and "Appeler la structure" in page
    assert "<li>Horaires à jour</li>" in page
    assert '<aside class="callout"' in page
    assert '<a href="https://example.org">Annuaire</a>' in page
    assert "<caption>Qui fait quoi</caption>" in page and '<th scope="col">Vers</th>' in page
    assert "Structures concernées" in page and "Utilisée par" in page
    assert f'href="{structure.url}"' in page
    assert "Creative Commons BY-SA 4.0" in page


def test_a_resource_may_have_sub_pages_listed_under_it(client, ressource):
    child = RessourcePageFactory(parent=ressource, title="Cas du repair café", summary="Un cas.")
    page = text(client.get(ressource.url))
    assert "Pour aller plus loin" in page and f'href="{child.url}"' in page
    assert f'href="{ressource.url}"' in text(client.get(child.url))
    assert RessourcePage.can_create_at(ressource)


def test_visitors_see_no_edit_link_and_participants_and_facilitators_do(
    client, ressource, participant, facilitator
):
    edit = f'href="/admin/pages/{ressource.pk}/edit/"'
    assert edit not in text(client.get(ressource.url))
    assert "Modifier" not in text(client.get(ressource.url))
    for person in (participant, facilitator):
        assert edit in text(signed_in(person).get(ressource.url)), person


def test_a_signed_in_person_without_a_structure_gets_no_edit_link(ressource, django_user_model):
    outsider = django_user_model.objects.create_user(username="voisin", password="x")
    assert "/edit/" not in text(signed_in(outsider).get(ressource.url))


def test_the_wiki_home_offers_to_create_a_resource_only_to_those_allowed(client, wiki, participant):
    add = f'href="/admin/pages/add/ressources/ressourcepage/{wiki.pk}/"'
    assert add not in text(client.get(wiki.url))
    page = text(signed_in(participant).get(wiki.url))
    assert add in page and "Créer une ressource" in page


def test_the_wiki_home_lists_themes_tags_and_recent_updates(client, ressource):
    page = text(client.get("/ressources/"))
    assert "Mises à jour récentes" in page
    assert 'href="?theme=orientation">Orientation</a> <span class="card__meta">(1)</span>' in page
    assert 'href="?mot_cle=partenariat">partenariat</a>' in page
    assert ressource.title in page


def test_the_wiki_homes_counts_kept_in_memory_follow_each_publication(client, wiki, ressource):
    orientation = 'href="?theme=orientation">Orientation</a> <span class="card__meta">({})</span>'
    assert orientation.format(1) in text(client.get("/ressources/"))
    second = RessourcePageFactory(parent=wiki, title="Orienter vers le CCAS")
    second.themes.set(ressource.themes.all())
    second.save_revision().publish()
    page = text(client.get("/ressources/"))
    assert orientation.format(2) in page
    assert "Orienter vers le CCAS" in page.split("Mises à jour récentes", 1)[1]
    second.unpublish()
    assert orientation.format(1) in text(client.get("/ressources/"))


def test_tags_of_other_apps_stay_off_the_wiki_home(client, ressource, structure):
    structure.tags.add("reparation")
    structure.save()
    assert "reparation" not in text(client.get("/ressources/"))


def test_filters_keep_matching_resources(client, wiki, ressource):
    other = RessourcePageFactory(parent=wiki, title="Trouver des bénévoles", kind="guide")
    other.themes.set([ThemeFactory(name="Bénévolat")])
    other.save()

    def titles(query: str) -> set[str]:
        page = text(client.get(f"/ressources/?{query}"))
        return {
            title
            for title in (ressource.title, other.title)
            if title in page.split("wiki__aside")[0]
        }

    assert titles("") == {ressource.title, other.title}
    assert titles("theme=orientation") == {ressource.title}
    assert titles("theme=benevolat") == {other.title}
    assert titles("type=guide") == {other.title}
    assert titles("mot_cle=partenariat") == {ressource.title}
    assert titles("mot_cle=partenariat&type=guide") == set()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("theme=inconnu", "Ce thème n'existe pas."),
        ("type=<script>", "Ce type de ressource n'existe pas."),
        ("mot_cle=<script>alert(1)</script>", "Ce mot-clé n'est pas valide."),
        ("mot_cle=" + "a" * 5000, "au plus 100 caractères"),
    ],
)
def test_bad_filters_get_a_french_message_and_are_never_echoed_raw(
    client, ressource, query, message
):
    response = client.get(f"/ressources/?{query}")
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert "<script>" not in page.split("<main")[1]
    assert "Aucune ressource ne correspond" in page


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_a_strange_page_number_still_shows_resources(client, ressource, value):
    assert ressource.title in text(client.get("/ressources/", {"page": value}))


def test_a_draft_resource_stays_off_the_listing_and_its_counts(client, wiki, orientation):
    draft = RessourcePageFactory(parent=wiki, title="Brouillon secret", live=False)
    draft.themes.set([orientation])
    draft.tags.add("secret")
    draft.save()
    page = text(client.get("/ressources/"))
    assert "Brouillon secret" not in page and "secret" not in page
    assert "(0)" in page


def test_the_wiki_home_costs_the_same_queries_for_3_or_30_resources(
    client, wiki, structure, database_cache, django_assert_max_num_queries
):
    """Pinned at 22: routing, session, site settings and menus, then the listing with its
    themes and tags, the filters' choices and the asides (recent, questions, most discussed)."""

    def queries() -> int:
        client.get("/ressources/")
        with django_assert_max_num_queries(22) as captured:
            assert client.get("/ressources/").status_code == 200
        return len(captured)

    themes = [ThemeFactory(name=name) for name in ("Orientation", "Bénévolat", "Équipement")]

    def add(n: int) -> None:
        page = RessourcePageFactory(parent=wiki, title=f"Ressource {n}")
        page.themes.set(themes[: 1 + n % 3])
        page.tags.add(f"mot{n % 4}", "commun")
        page.save()

    for n in range(3):
        add(n)
    few = queries()
    for n in range(3, 30):
        add(n)
    assert queries() == few


@pytest.mark.search
def test_search_finds_a_published_resource_by_its_summary_and_tags(ressource):
    ressource.save_revision().publish()
    assert ressource.pk in {page.pk for page in Page.objects.live().search("dépasse")}
    assert ressource.pk in {page.pk for page in RessourcePage.objects.search("partenariat")}


def test_a_video_is_a_link_to_it_never_a_frame_from_another_site(client, ressource):
    ressource.body = body(
        [
            (
                "video",
                {
                    "url": "https://videos.example.org/creer-son-adresse",
                    "title": "Créer son adresse électronique",
                    "duration": "4 min",
                },
            )
        ]
    )
    ressource.save_revision().publish()
    page = text(client.get(ressource.url))
    assert (
        '<a href="https://videos.example.org/creer-son-adresse" rel="noopener">'
        "Voir la vidéo : Créer son adresse électronique</a>"
    ) in page
    assert "(4 min, sur videos.example.org)" in page
    assert "<iframe" not in page


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "x" * 300]
)
def test_a_video_address_that_is_not_a_web_address_is_refused(url):
    block = RessourcePage._meta.get_field("body").stream_block.child_blocks["video"]
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"url": url, "title": "Vidéo"}))
