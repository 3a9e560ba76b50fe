"""Alert links outside the watch's page (included by website.urls under /alertes/): website's
confirmation and unsubscribe pages, with the watch's templates and guard."""

from veille.alert_views import LINK_GUARD, link_context
from veille.models import Alert
from website.mailing_views import opt_in_urls

urlpatterns = opt_in_urls(
    Alert,
    guard=LINK_GUARD,
    confirm_template="veille/alert_confirm.html",
    unsubscribe_template="veille/alert_unsubscribe.html",
    context=link_context,
    context_object_name="alert",
)
