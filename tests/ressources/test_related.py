"""A resource names the methods and review days it goes with, chosen in the editor."""

import pytest

from wagtail.test.utils.form_data import inline_formset

from bilans.factories import BilanPageFactory, MethodPageFactory
from bilans.models import BilanIndexPage, MethodIndexPage
from ressources import selectors
from ressources.models import RelatedBilan, RelatedMethod, RessourcePage
from ressources.templatetags.ressources_tags import ressources_liees
from tests.clients import signed_in, text
from tests.ressources.editor import edit_url, editor_post


@pytest.fixture
def methods(home):
    library = MethodIndexPage.objects.get()
    return [
        MethodPageFactory(parent=library, title="Bilan en cinq colonnes"),
        MethodPageFactory(parent=library, title="Entretiens croisés"),
    ]


@pytest.fixture
def bilan(home):
    return BilanPageFactory(
        parent=BilanIndexPage.objects.get(), title="Journée bilan du Transistor"
    )


def link(ressource, *, methods=(), bilans=()):
    ressource.related_methods = [RelatedMethod(target=page) for page in methods]
    ressource.related_bilans = [RelatedBilan(target=page) for page in bilans]
    ressource.save_revision().publish()
    return RessourcePage.objects.get(pk=ressource.pk)


def chosen(pages) -> dict:
    return inline_formset(
        [{"id": "", "target": page.pk, "ORDER": n} for n, page in enumerate(pages)]
    )


def test_a_resource_links_its_methods_in_the_editors_order_and_its_review_days(
    client, ressource, methods, bilan
):
    five, interviews = methods
    link(ressource, methods=[interviews, five], bilans=[bilan])
    page = text(client.get(ressource.url))
    assert '<h2 id="related-methods">Méthodes liées</h2>' in page
    assert page.index("Entretiens croisés") < page.index("Bilan en cinq colonnes")
    assert f'<a href="{five.url}">Bilan en cinq colonnes</a>' in page
    assert f'<a href="{bilan.url}">Journée bilan du Transistor</a>' in page


def test_an_unpublished_method_is_not_shown_and_nothing_chosen_shows_no_heading(
    client, ressource, methods
):
    five, interviews = methods
    link(ressource, methods=[five, interviews])
    interviews.unpublish()
    page = text(client.get(ressource.url))
    assert "Bilan en cinq colonnes" in page and "Entretiens croisés" not in page
    assert "Journées bilan liées" not in page
    link(ressource)
    assert "Méthodes liées" not in text(client.get(ressource.url))


def test_a_participant_chooses_a_method_in_the_editor(ressource, participant, methods, bilan):
    data = editor_post(
        ressource, related_methods=chosen([methods[1]]), related_bilans=chosen([bilan])
    )
    response = signed_in(participant).post(edit_url(ressource), data)
    assert response.status_code == 302
    page = RessourcePage.objects.get(pk=ressource.pk)
    assert [item.target_id for item in page.related_methods.all()] == [methods[1].pk]
    assert [item.target_id for item in page.related_bilans.all()] == [bilan.pk]


@pytest.mark.parametrize("relation", ["related_methods", "related_bilans"])
def test_a_page_of_another_kind_is_refused_in_french(ressource, participant, structure, relation):
    """A forged post choosing a structure, or the wrong bilans page, is refused."""
    response = signed_in(participant).post(
        edit_url(ressource), editor_post(ressource, **{relation: chosen([structure])})
    )
    assert response.status_code == 200
    assert "Choisissez une" in text(response)
    assert not RessourcePage.objects.get(pk=ressource.pk).related_methods.exists()
    assert not RessourcePage.objects.get(pk=ressource.pk).related_bilans.exists()


def test_the_comparison_shows_a_method_added(client, ressource, methods, participant):
    first = ressource.save_revision(user=participant)
    first.publish(user=participant)
    page = RessourcePage.objects.get(pk=ressource.pk)
    page.related_methods = [RelatedMethod(target=methods[0])]
    second = page.save_revision(user=participant)
    second.publish(user=participant)
    response = client.get(f"{ressource.url}comparer/?de={first.pk}&a={second.pk}")
    page = text(response)
    assert "Méthodes liées" in page
    assert '<span class="visually-hidden">[début d\'ajout] </span>Bilan en cinq colonnes' in page


def test_a_method_lists_the_published_resources_that_chose_it(wiki, ressource, methods):
    five, interviews = methods
    link(ressource, methods=[five])
    draft = RessourcePage.objects.get(pk=ressource.pk).copy(
        update_attrs={"title": "Brouillon", "slug": "brouillon", "live": False}
    )
    draft.related_methods = [RelatedMethod(target=five)]
    draft.save()
    assert list(selectors.ressources_linking_to(five)) == [ressource]
    assert list(selectors.ressources_linking_to(interviews)) == []
    assert ressources_liees(five)["pages"] == [ressource]


def test_the_method_page_shows_the_wiki_resources_that_chose_it(client, wiki, ressource, methods):
    five, interviews = methods
    link(ressource, methods=[five])

    shown = client.get(five.url).content.decode()

    assert "Ressources du wiki liées" in shown
    assert f'href="{ressource.url}"' in shown
    assert "Ressources du wiki liées" not in client.get(interviews.url).content.decode()


def test_the_resource_page_reads_its_methods_and_review_days_in_three_queries(
    rf, ressource, methods, bilan, django_assert_num_queries
):
    page = link(ressource, methods=methods, bilans=[bilan])
    with django_assert_num_queries(3):
        found = selectors.bilans_links(page)
    assert [item.title for item in found[0]] == ["Bilan en cinq colonnes", "Entretiens croisés"]
