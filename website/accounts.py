"""Front-end login and password reset, in French, behind the login throttle and the guard."""

from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator

from website.guard import public_form


class LoginView(auth_views.LoginView):
    template_name = "account/login.html"
    redirect_authenticated_user = True


@method_decorator(public_form(scope="password-reset", limit=5, window=3600), name="dispatch")
class GuardedPasswordResetView(auth_views.PasswordResetView):
    template_name = "account/password_reset_form.html"
    email_template_name = "account/password_reset_email.txt"
    subject_template_name = "account/password_reset_subject.txt"
