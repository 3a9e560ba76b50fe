"""Front-end login and password reset, in French, behind the login throttle and the guard.

django-axes counts failed logins per account and address (settings: "Accounts and login");
the guard adds a per-address rate limit shared with the admin's login form, so trying many
accounts from one address is slowed down too.

The reset email goes through the tasks framework: the answer takes the same time whether
or not the address has an account, so the page cannot be used to find out who has one.
"""

from django_tasks import task

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator

from website.guard import public_form

# Shared with the admin's login form (website.security.middleware.GUARDED_PATHS).
LOGIN_GUARD = public_form(scope="login", limit=30, window=900, max_bytes=8 * 1024)
PASSWORD_RESET_GUARD = public_form(scope="password-reset", limit=5, window=3600, max_bytes=8 * 1024)
# Anyone holding a reset link can post a new password here.
PASSWORD_SET_GUARD = public_form(scope="password-set", limit=10, window=3600, max_bytes=8 * 1024)


@task()
def send_account_email(subject: str, body: str, to: list[str]) -> None:
    send_mail(subject, body, None, to)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_account_email.enqueue(subject=subject, body=body, to=[to_email])


@method_decorator(LOGIN_GUARD, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "account/login.html"
    redirect_authenticated_user = True


@method_decorator(PASSWORD_RESET_GUARD, name="dispatch")
class GuardedPasswordResetView(auth_views.PasswordResetView):
    template_name = "account/password_reset_form.html"
    email_template_name = "account/password_reset_email.txt"
    subject_template_name = "account/password_reset_subject.txt"
    form_class = PasswordResetForm
    extra_email_context = {"site_name": settings.WAGTAIL_SITE_NAME}


@method_decorator(PASSWORD_SET_GUARD, name="dispatch")
class GuardedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "account/password_reset_confirm.html"
