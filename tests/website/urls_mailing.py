"""The site's URLs plus website's opt-in pages mounted a second time, with the generic template
and a guard of their own: the shared machinery tried without any app's words. The funding
watch's Alert stands in for any OptInAddress."""

from datetime import timedelta

from django.urls import include, path

from veille.models import Alert
from website.guard import public_form
from website.mailing import SignedLink
from website.mailing_views import UnsubscribeView, opt_in_urls
from website.urls import handler404, handler500
from website.urls import urlpatterns as site_urlpatterns

GENERIC = "mailing/link_page.html"
GUARD = public_form(scope="essai-lien", limit=20, window=3600, max_bytes=1024)
LINK = SignedLink(salt="tests.mailing", max_age=timedelta(days=30))


def alert_for(token: str) -> Alert | None:
    return Alert.objects.filter(pk=LINK.read(token)).first()


urlpatterns = [
    path(
        "essai/",
        include(
            (
                opt_in_urls(
                    Alert, guard=GUARD, confirm_template=GENERIC, unsubscribe_template=GENERIC
                ),
                "essai",
            )
        ),
    ),
    path(
        "essai/signe/<str:token>/",
        GUARD(UnsubscribeView.as_view(template_name=GENERIC, find=alert_for, act=Alert.delete)),
    ),
    *site_urlpatterns,
]
__all__ = ["handler404", "handler500", "urlpatterns"]
