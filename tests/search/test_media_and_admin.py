"""Images, documents and the Wagtail admin's searches go through the same backend."""

import pytest
import wagtail_factories

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

pytestmark = pytest.mark.django_db


def test_images_are_found_by_title_and_tag_and_filtered_by_collection(backend):
    root = Collection.get_first_root_node()
    elsewhere = root.add_child(name="Structure B")
    poster = wagtail_factories.ImageFactory(title="Affiche atelier tablette", collection=root)
    poster.tags.add("inclusion")
    poster.save()
    wagtail_factories.ImageFactory(title="Affiche permanence", collection=elsewhere)

    images = get_image_model().objects
    assert [image.title for image in images.search("tablette")] == ["Affiche atelier tablette"]
    assert [image.title for image in images.search("inclusion")] == ["Affiche atelier tablette"]
    assert [image.title for image in images.filter(collection=elsewhere).search("affiche")] == [
        "Affiche permanence"
    ]
    assert [image.title for image in images.autocomplete("perm")] == ["Affiche permanence"]


def test_documents_are_found_by_title_whatever_the_accents(accent_folding_backend):
    document = get_document_model()(title="Guide des démarches en ligne")
    document.file.save("guide.txt", ContentFile(b"guide"), save=False)
    document.save()
    found = get_document_model().objects.search("demarches")
    assert [each.title for each in found] == ["Guide des démarches en ligne"]


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x" * 20)
    client.force_login(admin)
    return client


def test_the_admin_page_search_finds_pages_as_they_are_typed(backend, page, admin_client):
    page("Atelier tablette", intro="Prise en main.")
    page("Permanence emploi")
    response = admin_client.get("/admin/pages/search/", {"q": "atel"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Atelier tablette" in html
    assert "Permanence emploi" not in html
    # Quoted words and the live: filter of the admin's query syntax.
    response = admin_client.get("/admin/pages/search/", {"q": 'atelier "tablette" live:true'})
    assert response.status_code == 200
    assert "Atelier tablette" in response.content.decode()
    # Ordered by a column instead of relevance.
    response = admin_client.get("/admin/pages/search/", {"q": "atel", "ordering": "title"})
    assert response.status_code == 200
    assert "Atelier tablette" in response.content.decode()
