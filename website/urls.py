from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from website import views
from website.accounts import GuardedPasswordResetConfirmView, GuardedPasswordResetView, LoginView
from website.search_views import SearchView, SuggestionsView

account_patterns = [
    path("connexion/", LoginView.as_view(), name="account_login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("mot-de-passe/oubli/", GuardedPasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="account/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        GuardedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="account/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("recherche/", SearchView.as_view(), name="search"),
    path("recherche/suggestions/", SuggestionsView.as_view(), name="search_suggestions"),
    path("compte/", include("structures.urls")),  # a string: website imports no app in code
    path("compte/", include(account_patterns)),
    path("evenements/", include("agenda.urls")),
    path("alertes/", include("veille.urls")),
    path("wiki/", include("ressources.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "website.views.bad_request"
handler403 = "website.views.permission_denied"
handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"
