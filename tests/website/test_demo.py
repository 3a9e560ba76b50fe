from dataclasses import replace

import pytest

from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from wagtail.models import Page

from website.demo import DEMO_PASSWORD
from website.models import RelaisImage, StandardPage
from website.scale_sizes import SIZES


def test_seed_demo_gives_one_account_per_role_that_can_log_in(seeded_demo, home, rf):
    for username in ["admin", "animatrice", "editrice", "participant"]:
        assert (
            authenticate(rf.post("/compte/connexion/"), username=username, password=DEMO_PASSWORD)
            is not None
        )
    assert (
        get_user_model()
        .objects.get(username="animatrice")
        .groups.filter(name="Animateurs")
        .exists()
    )


def test_seed_demo_writes_the_standard_pages_and_can_run_again(seeded_demo, home):
    counts = (Page.objects.count(), get_user_model().objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Page.objects.count(), get_user_model().objects.count()) == counts
    privacy = StandardPage.objects.get(slug="donnees-personnelles")
    assert "90 jours" in str(privacy.body.render_as_block())


def test_seed_demo_leaves_a_page_someone_edited_alone(seeded_demo, home):
    about = StandardPage.objects.get(slug="a-propos")
    about.body = [("paragraph", "<p>Texte revu par l'équipe.</p>")]
    about.save_revision().publish()
    call_command("seed_demo", verbosity=0)
    assert "revu par l'équipe" in str(
        StandardPage.objects.get(slug="a-propos").body.render_as_block()
    )


@override_settings(RELAIS_DEMO_ENABLED=False)
def test_seed_demo_is_refused_in_production_settings(home):
    with pytest.raises(CommandError, match="refusé"):
        call_command("seed_demo", verbosity=0)


def test_seed_scale_is_reproducible_and_tops_up_without_duplicating(home, monkeypatch):
    # A twentieth of S, enough for every app's share to run twice.
    tiny = replace(SIZES["S"].scaled(0.05), images=3, editors=4)
    monkeypatch.setitem(SIZES, "S", tiny)
    call_command("seed_scale", size="S", skip_index=True, verbosity=0)
    call_command("seed_scale", size="S", skip_index=True, verbosity=0)
    assert RelaisImage.objects.filter(title__startswith="echelle ").count() == 3
    assert get_user_model().objects.filter(username__startswith="echelle-").count() == 4


def test_the_sizes_are_defined_once_s_a_tenth_of_m_and_l_five_times():
    assert SIZES["M"].structures == 500 and SIZES["M"].events == 10_000
    assert SIZES["S"].structures == 50 and SIZES["S"].ressources == 500
    assert SIZES["L"].events == 50_000 and SIZES["L"].editors == 1_000
