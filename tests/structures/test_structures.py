import datetime
import html
import re

import pytest
import time_machine

from django.core.exceptions import ValidationError

from structures.factories import LieuPageFactory, NewsPageFactory, StructurePageFactory
from structures.models import LieuPage, StructureIndexPage, StructurePage, Term, Vocabulary
from structures.validators import (
    normalise_phone,
    phone_link,
    validate_postcode,
    validate_siret_or_rna,
)
from website.models import HomePage


@pytest.fixture
def structure(home):
    index = StructureIndexPage.objects.get()
    return StructurePageFactory(
        parent=index, title="CLEF Chantemerle", commune="La Ravoire", code_postal="73490"
    )


def test_setup_site_loads_every_vocabulary_of_the_standard(home):
    assert Term.objects.filter(vocabulary=Vocabulary.SERVICES).count() == 9
    assert Term.objects.filter(vocabulary=Vocabulary.TYPOLOGIE).count() == 92
    assert (
        Term.objects.get(vocabulary=Vocabulary.TYPOLOGIE, code="CCAS").label
        == "Centre communal d'action sociale"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0479123456", "04 79 12 34 56"),
        ("+33 4 79 12 34 56", "04 79 12 34 56"),
        ("04.79.12.34.56", "04 79 12 34 56"),
    ],
)
def test_a_phone_number_typed_any_french_way_is_stored_in_one_format(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "+44 20 7946 0000", "04 79 12 34", "téléphone"])
def test_a_wrong_phone_number_gets_a_french_message(typed):
    with pytest.raises(ValidationError, match="10 chiffres"):
        normalise_phone(typed)


@pytest.mark.parametrize("value", ["73282932000074", "W732001234", "35600000000001"])
def test_real_looking_siret_and_rna_numbers_are_accepted(value):
    validate_siret_or_rna(value)


@pytest.mark.parametrize("value", ["73282932000075", "1234", "W12", "ABCDEFGHIJKLMN"])
def test_a_mistyped_siret_or_rna_is_refused_in_french(value):
    with pytest.raises(ValidationError) as error:
        validate_siret_or_rna(value)
    assert "SIRET" in str(error.value)


def test_a_postcode_must_have_five_digits():
    validate_postcode("73490")
    with pytest.raises(ValidationError, match="5 chiffres"):
        validate_postcode("7349")


def test_a_structure_page_shows_its_typology_with_the_french_label(client, structure):
    structure.terms = [Term.objects.get(vocabulary=Vocabulary.TYPOLOGIE, code="CS")]
    structure.save_revision().publish()
    page = client.get(structure.url).content.decode()
    assert "Centre social" in page


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
def test_referral_information_older_than_six_months_says_it_may_have_changed(client, structure):
    structure.referral_needs = "Démarches en ligne, prise en main du téléphone"
    structure.last_verified = datetime.date(2026, 4, 1)
    structure.save_revision().publish()
    page = client.get(structure.url).content.decode()
    assert "Informations vérifiées le 1 avril 2026" in page
    assert "plus de six mois" in page


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
def test_referral_information_never_checked_says_so_rather_than_six_months(client, structure):
    structure.referral_needs = "Démarches en ligne"
    structure.last_verified = None
    structure.save_revision().publish()
    page = client.get(structure.url).content.decode()
    assert "Informations jamais vérifiées : appelez avant de vous déplacer." in page
    assert "six mois" not in page


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
def test_the_directory_says_never_verified_or_not_for_six_months_as_the_case_is(client, structure):
    other = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="CCAS", last_verified=None
    )
    structure.last_verified = datetime.date(2026, 4, 1)
    structure.save_revision().publish()
    LieuPageFactory(parent=structure, title="Espace du Piochet", commune="La Ravoire")
    LieuPageFactory(parent=other, title="Accueil du CCAS", commune="La Ravoire")
    page = html.unescape(client.get("/espaces-numeriques/").content.decode())
    cards = {
        re.search(r'">([^<]+)</a></h3>', card).group(1): re.search(
            r'class="verification verification--stale">([^<]+)<', card
        ).group(1)
        for card in re.findall(r'<article class="card place-card">(.*?)</article>', page, re.S)
    }
    assert cards == {
        "Espace du Piochet": "Informations non vérifiées depuis plus de six mois : appelez "
        "avant de vous déplacer.",
        "Accueil du CCAS": "Informations jamais vérifiées : appelez avant de vous déplacer.",
    }


@pytest.mark.parametrize(
    ("last_verified", "warning"),
    [
        (
            None,
            "Les informations d’orientation de « CLEF Chantemerle » n’ont jamais été vérifiées "
            ": relisez-les puis indiquez leur date de dernière vérification",
        ),
        (
            datetime.date(2026, 5, 1),
            "Les informations d’orientation de « CLEF Chantemerle » n’ont pas été vérifiées "
            "depuis le 1er mai 2026, il y a plus de six mois : relisez-les puis mettez à jour "
            "leur date de dernière vérification",
        ),
        (datetime.date(2026, 6, 1), None),
    ],
)
@time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
def test_editors_are_warned_in_the_admin_when_the_structure_needs_verifying(
    client, structure, django_user_model, last_verified, warning
):
    from structures.models import Membership, Role

    structure.last_verified = last_verified
    structure.save_revision().publish()
    lieu = LieuPageFactory(parent=structure)
    editor = django_user_model.objects.create_user(
        username="editrice@example.org", password="x" * 14
    )
    Membership.objects.create(user=editor, structure=structure, role=Role.EDITOR)
    client.force_login(editor)
    for page in (structure, lieu):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
        shown = html.unescape(response.content.decode())
        if warning is None:
            assert "Les informations d’orientation de" not in shown
        else:
            assert warning in shown


def test_a_saved_draft_returns_to_the_form_with_the_warning_once(admin_client, structure):
    structure.last_verified = None
    structure.save_revision().publish()
    admin_client.defaults["HTTP_HOST"] = "localhost"
    response = admin_client.post(
        f"/admin/pages/{structure.pk}/edit/",
        {"title": structure.title, "slug": structure.slug, "commune": "La Ravoire"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/admin/pages/{structure.pk}/edit/", 302)]
    assert html.unescape(response.content.decode()).count("n’ont jamais été vérifiées") == 1


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
def test_referral_information_checked_last_month_is_shown_as_current(structure):
    structure.last_verified = datetime.date(2026, 10, 20)
    assert not structure.needs_verification()
    structure.last_verified = None
    assert structure.needs_verification()


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
def test_a_place_edited_here_is_dated_today_and_gets_a_stable_identifier(structure):
    lieu = LieuPageFactory(parent=structure)
    assert lieu.date_maj == datetime.date(2026, 11, 23)
    assert lieu.identifiant == f"relais-lieu-{lieu.pk}"


def test_an_imported_place_keeps_the_date_it_came_with(structure):
    lieu = LieuPageFactory(
        parent=structure, source="Conseillers numériques", date_maj=datetime.date(2025, 3, 2)
    )
    assert LieuPage.objects.get(pk=lieu.pk).date_maj == datetime.date(2025, 3, 2)


def test_a_place_page_lists_its_services_and_a_clickable_phone(client, structure):
    lieu = LieuPageFactory(
        parent=structure,
        telephone="04 79 12 34 56",
        term_codes=["Aide aux démarches administratives", "Gratuit"],
    )
    page = client.get(lieu.url).content.decode()
    assert "Aide aux démarches administratives" in page
    assert "Gratuit" in page
    assert 'href="tel:+33479123456"' in page


def test_places_and_news_live_under_a_structure_only(home, structure):
    assert LieuPage.can_create_at(structure)
    assert not LieuPage.can_create_at(HomePage.objects.get())
    assert StructurePage.can_create_at(StructureIndexPage.objects.get())
    assert not StructurePage.can_create_at(home)


def test_a_news_item_names_the_structure_that_published_it(client, structure):
    news = NewsPageFactory(parent=structure, title="Nouveaux horaires au Piochet")
    page = client.get(news.url).content.decode()
    assert "Nouveaux horaires au Piochet" in page
    assert "CLEF Chantemerle" in page


def test_an_editor_creates_a_structure_with_its_typologies_through_the_admin(admin_client, home):
    admin_client.defaults["HTTP_HOST"] = "localhost"
    index = StructureIndexPage.objects.get()
    ccas = Term.objects.get(vocabulary=Vocabulary.TYPOLOGIE, code="CCAS")
    response = admin_client.post(
        f"/admin/pages/add/structures/structurepage/{index.pk}/",
        {
            "title": "CCAS de La Ravoire",
            "slug": "ccas-la-ravoire",
            "typologies": [ccas.pk],
            "telephone": "0479000000",
            "tags": "",
            "action-publish": "1",
        },
    )
    assert response.status_code == 302
    created = StructurePage.objects.get(slug="ccas-la-ravoire")
    assert [term.code for term in created.terms.all()] == ["CCAS"]
    assert created.telephone == "04 79 00 00 00"
    assert created.live


def test_the_admin_refuses_a_wrong_siret_with_a_french_message(admin_client, home):
    admin_client.defaults["HTTP_HOST"] = "localhost"
    index = StructureIndexPage.objects.get()
    response = admin_client.post(
        f"/admin/pages/add/structures/structurepage/{index.pk}/",
        {
            "title": "Régie",
            "slug": "regie",
            "siret_ou_rna": "12345678901234",
            "tags": "",
            "action-publish": "1",
        },
    )
    assert response.status_code == 200
    assert "Ce numéro SIRET n'existe pas" in html.unescape(response.content.decode())
    assert not StructurePage.objects.filter(slug="regie").exists()


@time_machine.travel(
    datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
)  # Friday, 10 h in Paris
def test_a_place_page_says_it_is_open_now_and_shows_the_week(client, structure):
    lieu = LieuPageFactory(parent=structure, horaires="Mo,Fr 09:00-12:00; PH off")
    page = html.unescape(client.get(lieu.url).content.decode())
    assert "Ouvert maintenant — ferme à 12 h" in page
    assert (
        "<caption>Horaires de la semaine du lundi 23 novembre au dimanche 29 novembre 2026</caption>"
        in page
    )
    assert 'aria-current="date"' in page


def test_the_admin_refuses_opening_hours_it_cannot_read(structure):
    lieu = LieuPageFactory.build(title="Lieu", slug="lieu", horaires="Mo-Fr 9h-12")
    with pytest.raises(ValidationError, match="Horaires illisibles"):
        lieu.full_clean(exclude=["path", "depth", "url_path"])


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC))
def test_the_fiche_d_orientation_sums_up_a_place_on_one_printable_page(client, structure):
    structure.referral_documents = "Pièce d'identité\nIdentifiants CAF"
    structure.save_revision().publish()
    lieu = LieuPageFactory(
        parent=structure,
        title="Espace numérique du Piochet",
        adresse="Quartier du Piochet",
        code_postal="73490",
        commune="La Ravoire",
        telephone="04 65 71 00 02",
        horaires="Fr 09:00-12:00; PH off",
        term_codes=["Aide aux démarches administratives"],
    )
    assert lieu.fiche_url() in client.get(lieu.url).content.decode()
    page = html.unescape(client.get(lieu.fiche_url()).content.decode())
    assert "Fiche d'orientation" in page
    assert "Ouvert maintenant — ferme à 12 h" in page
    assert "Aide aux démarches administratives" in page
    assert '<meta name="robots" content="noindex">' in page
    sms = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    assert sms.splitlines() == [
        "Espace numérique du Piochet",
        "Quartier du Piochet, 73490 La Ravoire",
        "Horaires : Vendredi 9 h – 12 h",
        "Tél. 04 65 71 00 02",
        "À apporter : Pièce d'identité Identifiants CAF",
    ]


@pytest.mark.parametrize(
    ("typed", "stored", "link"),
    [
        ("+262 262 12 34 56", "02 62 12 34 56", "+262262123456"),
        ("+262 692 12 34 56", "06 92 12 34 56", "+262692123456"),
        ("0596 12 34 56", "05 96 12 34 56", "+596596123456"),
        ("+687 12 34 56", "+687 12 34 56", "+687123456"),
        ("04 79 12 34 56", "04 79 12 34 56", "+33479123456"),
    ],
)
def test_overseas_numbers_are_accepted_and_dialled_with_their_own_code(typed, stored, link):
    assert normalise_phone(typed) == stored
    assert phone_link(stored) == link


def test_a_place_shows_every_email_and_website_it_has(client, structure):
    lieu = LieuPageFactory(
        parent=structure,
        courriel="accueil@exemple.org",
        autres_courriels="numerique@exemple.org\n",
        site_web="https://exemple.org/",
        autres_sites_web="https://exemple.org/numerique/",
    )
    page = client.get(lieu.url).content.decode()
    assert 'href="mailto:numerique@exemple.org"' in page
    assert 'href="https://exemple.org/numerique/"' in page


def test_a_wrong_extra_email_is_refused_in_french():
    from structures.validators import validate_email_lines

    with pytest.raises(ValidationError, match="n'est pas une adresse électronique valide"):
        validate_email_lines("bon@exemple.org\npas-une-adresse")
