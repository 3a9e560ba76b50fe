"""The site's own part of the personal data (see website.privacy_services): the account, what
Wagtail keeps of a person's work, and what sessions, the login throttle, the rate-limit cache
and the task queue hold for a while."""

from datetime import datetime, timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from wagtail.models import (
    Comment,
    CommentReply,
    ModelLogEntry,
    Page,
    PageLogEntry,
    Revision,
)
from wagtail.users.models import UserProfile

from website.models import RelaisDocument, RelaisImage
from website.privacy_services import Retention, iso

LOGIN_LOG_KEPT = timedelta(days=30)
# Finished background tasks hold the emails they sent (address and message).
TASKS_KEPT = timedelta(days=14)


# --- Export ----------------------------------------------------------------------------------


def export_data(user) -> dict:
    return {
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
        },
        "groups": sorted(user.groups.values_list("name", flat=True)),
        # Titles and dates only: the pages themselves are the site's, not the person's.
        "revisions_authored": [
            {
                "title": revision.object_str,
                "type": str(revision.content_type.model_class()._meta.verbose_name)
                if revision.content_type.model_class()
                else revision.content_type.model,
                "object_id": revision.object_id,
                "saved_at": iso(revision.created_at),
            }
            for revision in Revision.objects.filter(user=user)
            .select_related("content_type")
            .only("object_str", "object_id", "created_at", "content_type")
            .order_by("created_at", "pk")
        ],
        "pages_owned": [
            {"title": page.title, "page_id": page.pk, "live": page.live}
            for page in Page.objects.filter(owner=user).only("title", "live").order_by("pk")
        ],
        "page_comments": [
            {
                "page": comment.page.title,
                "text": comment.text,
                "written_at": iso(comment.created_at),
                "resolved_at": iso(comment.resolved_at),
            }
            for comment in Comment.objects.filter(user=user)
            .select_related("page")
            .order_by("created_at", "pk")
        ],
        "page_comment_replies": [
            {
                "page": reply.comment.page.title,
                "text": reply.text,
                "written_at": iso(reply.created_at),
            }
            for reply in CommentReply.objects.filter(user=user)
            .select_related("comment__page")
            .order_by("created_at", "pk")
        ],
        "uploads": [
            {"kind": kind, "title": item.title, "uploaded_at": iso(item.created_at)}
            for kind, model in (("image", RelaisImage), ("document", RelaisDocument))
            for item in model.objects.filter(uploaded_by_user=user).order_by("created_at", "pk")
        ],
        "logins": [
            {
                "at": iso(entry.attempt_time),
                "until": iso(entry.logout_time),
                "ip_address": entry.ip_address,
                "browser": entry.user_agent,
            }
            for entry in AccessLog.objects.filter(username=user.get_username()).order_by(
                "attempt_time", "pk"
            )
        ],
    }


# --- Deleting the account --------------------------------------------------------------------


def forget(user, *, former) -> None:
    # Wagtail needs an author on its page comments (they would go with the account) and keeps
    # the bare id in its history (which would show "user 12 (deleted)"): both go to `former`.
    Comment.objects.filter(user=user).update(user=former)
    CommentReply.objects.filter(user=user).update(user=former)
    PageLogEntry.objects.filter(user_id=user.pk).update(user=former)
    ModelLogEntry.objects.filter(user_id=user.pk).update(user=former)
    # A page locked by nobody could only be unlocked by an administrator.
    Page.objects.filter(locked_by=user).update(locked=False, locked_by=None, locked_at=None)
    username = user.get_username()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=username).delete()
    profile = UserProfile.objects.filter(user=user).exclude(avatar="").first()
    if profile is not None:
        avatar = profile.avatar
        # Files are not transactional: the photo goes once the deletion is committed.
        transaction.on_commit(lambda: avatar.storage.delete(avatar.name))


# --- Retention -------------------------------------------------------------------------------


def _expired_sessions(now: datetime) -> int:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        store.clear_expired()  # cache or cookie sessions expire by themselves
        return 0
    deleted, _by_model = store.get_model_class().objects.filter(expire_date__lt=now).delete()
    return deleted


def _failed_logins(now: datetime) -> int:
    deleted, _by_model = AccessAttempt.objects.filter(
        attempt_time__lt=now - settings.AXES_COOLOFF_TIME
    ).delete()
    return deleted


def _login_log(now: datetime) -> int:
    deleted = 0
    for model in (AccessLog, AccessFailureLog):
        count, _by_model = model.objects.filter(attempt_time__lt=now - LOGIN_LOG_KEPT).delete()
        deleted += count
    return deleted


def _expired_cache_entries(now: datetime) -> int:
    # Django's database cache deletes expired rows only when the table is full; Redis drops
    # them by itself.
    deleted = 0
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, DatabaseCache):
            table = connection.ops.quote_name(cache._table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE expires < %s",  # noqa: S608 (quoted name)
                    [connection.ops.adapt_datetimefield_value(now)],
                )
                deleted += cursor.rowcount
    return deleted


def _finished_tasks(now: datetime) -> int:
    deleted, _by_model = (
        DBTaskResult.objects.finished().filter(finished_at__lt=now - TASKS_KEPT).delete()
    )
    return deleted


def _hours(seconds: int) -> str:
    return _("%(hours)s heures") % {"hours": seconds // 3600}


RETENTION = [
    Retention(
        what=_("Comptes des partenaires (identifiant, nom, adresse électronique, structures)"),
        why=_("se connecter, contribuer et recevoir les messages choisis"),
        how_long=_(
            "jusqu'à ce que la personne supprime son compte depuis « Mon espace » ; ce qu'elle "
            "a écrit reste alors en ligne, signé « ancien membre »"
        ),
    ),
    Retention(
        what=_("Session de connexion (un identifiant au hasard dans le cookie « sessionid »)"),
        why=_("rester connecté d'une page à l'autre"),
        how_long=_("%(duration)s au plus") % {"duration": _hours(settings.SESSION_COOKIE_AGE)},
        purge=_expired_sessions,
    ),
    Retention(
        what=_("Tentatives de connexion échouées (identifiant saisi, adresse IP, navigateur)"),
        why=_("bloquer les essais de mots de passe en série"),
        how_long=_("%(minutes)s minutes")
        % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        purge=_failed_logins,
    ),
    Retention(
        what=_("Journal des connexions aux comptes (identifiant, adresse IP, navigateur, heures)"),
        why=_("repérer l'usage frauduleux d'un compte"),
        how_long=_("%(days)s jours") % {"days": LOGIN_LOG_KEPT.days},
        purge=_login_log,
    ),
    Retention(
        what=_(
            "Adresses IP des personnes qui envoient un formulaire ou se connectent, sous une "
            "forme hachée qui ne permet pas de les relire"
        ),
        why=_("limiter le nombre d'envois par adresse, contre les robots"),
        how_long=_("le temps de la limite, une heure au plus"),
        purge=_expired_cache_entries,
    ),
    Retention(
        what=_(
            "Messages électroniques envoyés par le site (adresse du destinataire et texte : "
            "réinitialisation du mot de passe, confirmations, notifications)"
        ),
        why=_("les envoyer en arrière-plan et vérifier qu'ils sont partis"),
        how_long=_("%(days)s jours après l'envoi") % {"days": TASKS_KEPT.days},
        purge=_finished_tasks,
    ),
]
