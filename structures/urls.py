"""Account pages of the structures app, under /compte/ (included by website.urls).

The login, logout and password-reset pages live in website.urls under the same prefix:
connexion/, deconnexion/, mot-de-passe/…; these paths stay clear of them.
"""

from django.urls import path

from structures import views

urlpatterns = [
    path("invitation/<str:token>/", views.accept_invitation, name="invitation_accept"),
    path("mon-espace/", views.my_space, name="my_space"),
    path(
        "mon-espace/mot-de-passe/",
        views.PasswordChangeView.as_view(),
        name="account_password_change",
    ),
    path("mon-espace/mes-donnees.json", views.export_my_data, name="account_export"),
    path("mon-espace/supprimer/", views.delete_account, name="account_delete"),
    path("supprime/", views.account_deleted, name="account_deleted"),
]
