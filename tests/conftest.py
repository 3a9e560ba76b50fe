import pytest

from django.core.management import call_command


@pytest.fixture
def home(db):
    """The site as setup_site builds it: home page, sections, groups, workflow."""
    call_command("setup_site", verbosity=0)
    from website.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def client(client):
    # Tests speak to the site as a browser on its default host would.
    client.defaults["HTTP_HOST"] = "localhost"
    return client
