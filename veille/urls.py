"""Alert links outside the watch's page (included by website.urls under /alertes/): the
unsubscribe address takes posts from mail clients, without a CSRF token."""

from django.urls import path

from veille import alert_views

urlpatterns = [
    path("confirmer/<str:key>/", alert_views.confirm, name="veille_alert_confirm"),
    path("desabonner/<str:key>/", alert_views.unsubscribe, name="veille_alert_unsubscribe"),
]
