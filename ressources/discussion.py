"""Comments and questions on resources: who may do what, the forms, the actions, the threads.

- Participants comment and reply (one level: a reply to a reply joins the top comment). They
  are the active accounts in the participants' or facilitators' group, which
  structures.permissions derives from memberships and the facilitator role, and the
  administrators: the very people who may write the wiki.
- A top comment may be a question. Its author, or anyone who may edit the resource, marks it
  answered (and open again).
- Authors change their own comment for EDIT_WINDOW after posting it.
- Moderators (facilitators and administrators, as for withdrawing resources) hide a comment and
  show it again; who and when are kept. Everyone else sees "Commentaire masqué par la
  modération" in its place, never its text.
- Anyone signed in reports a comment, once, with an optional reason; moderators find the
  reported comments at /wiki/commentaires/signales/.

A comment is plain text: `as_html` escapes it whole, then turns the http and https addresses of
the escaped text into links, at most MAX_LINKS of them. Every POST goes through the public-form
guard; a refused or invalid one keeps what the person typed. Nobody is emailed per comment: the
wiki's digests read `discussion_selectors.comments_between`.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ressources import discussion_selectors as selectors
from ressources.models import Comment, CommentReport, RessourceIndexPage, RessourcePage
from ressources.models.discussion import COMMENT_MAX_LENGTH
from ressources.rights import may_edit, may_withdraw
from website.guard import HoneypotFormMixin, public_form, refusal
from website.privacy_services import display_name
from website.setup import FACILITATORS, PARTICIPANTS

EDIT_WINDOW = timedelta(minutes=15)
MAX_LINKS = 10
REASON_MAX_LENGTH = 500
LINK_REL = "nofollow ugc noopener"

# A 5,000-character comment takes up to 45 KB once form-encoded (accents take 6 bytes, emoji 12).
COMMENT_GUARD = public_form(scope="wiki-comment", limit=30, window=3600, max_bytes=64 * 1024)
ACTION_GUARD = public_form(scope="wiki-comment-action", limit=120, window=3600, max_bytes=8 * 1024)


# --- Plain text to HTML ----------------------------------------------------------------------

# In escaped text "&" only ever starts an entity: an address runs up to a space or to an entity
# other than "&amp;" (a quote, "<" or ">" that the person typed ends it).
_ADDRESS = re.compile(r"https?://(?:[^\s&]|&amp;)+", re.IGNORECASE)
_SENTENCE_END = ".,;:!?"


def _trimmed(address: str) -> str:
    """Without the punctuation that ends the sentence around it ("voir https://a.fr/x.")."""
    while address and (
        address[-1] in _SENTENCE_END
        or (address[-1] == ")" and address.count("(") < address.count(")"))
    ):
        address = address[:-1]
    return address


def _has_host(escaped_address: str) -> bool:
    try:
        return bool(urlsplit(html.unescape(escaped_address)).hostname)
    except ValueError:  # "http://[oops": not an address
        return False


def count_links(text: str) -> int:
    return sum(1 for match in _ADDRESS.finditer(escape(text)) if _has_host(_trimmed(match.group())))


def as_html(text: str) -> SafeString:
    """The comment, escaped, with its http(s) addresses as links; nothing else becomes HTML."""

    def link(match) -> str:
        address = _trimmed(match.group())
        if not _has_host(address):
            return match.group()
        rest = match.group()[len(address) :]
        # `address` is escaped text: it holds no quote, so it is safe inside the attribute.
        return f'<a href="{address}" rel="{LINK_REL}">{address}</a>{rest}'

    return mark_safe(_ADDRESS.sub(link, escape(text)))  # noqa: S308 (escaped just above)


# --- Who may ---------------------------------------------------------------------------------


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def may_comment(user) -> bool:
    """Participants, facilitators and administrators: those who may write the wiki."""
    if not _active(user):
        return False
    return user.is_superuser or user.groups.filter(name__in=[PARTICIPANTS, FACILITATORS]).exists()


def may_moderate(user) -> bool:
    """Hide comments and handle reports: facilitators and administrators."""
    return may_withdraw(user)


def may_report(user) -> bool:
    return _active(user)


def may_change(user, comment: Comment, *, now=None) -> bool:
    """Authors change their own comment, if not hidden, for EDIT_WINDOW after posting it."""
    return (
        _active(user)
        and comment.author_id == user.pk
        and comment.hidden_at is None
        and (now or timezone.now()) <= editable_until(comment)
    )


def editable_until(comment: Comment):
    return comment.created_at + EDIT_WINDOW


def may_mark_answered(user, comment: Comment, *, editor: bool) -> bool:
    """`editor`: whether `user` may edit the comment's resource (rights.may_edit)."""
    return comment.is_question and _active(user) and (comment.author_id == user.pk or editor)


# --- Forms -----------------------------------------------------------------------------------


class CommentForm(HoneypotFormMixin, forms.Form):
    """A new comment, or a reply to `reply_to` (then never a question)."""

    body = forms.CharField(
        label=gettext_lazy("Votre commentaire"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Du texte simple, sans mise en forme. Les adresses qui commencent par http:// ou "
            "https:// deviennent des liens (10 au plus)."
        ),
        error_messages={
            "required": gettext_lazy("Écrivez votre commentaire avant de l'envoyer."),
            "max_length": gettext_lazy(
                "Un commentaire fait au plus %(limit_value)d caractères ; le vôtre en fait "
                "%(show_value)d. Raccourcissez-le ou découpez-le en plusieurs commentaires."
            ),
        },
    )
    is_question = forms.BooleanField(
        label=gettext_lazy(
            "C'est une question : elle restera dans les « questions ouvertes » du wiki "
            "jusqu'à ce qu'on la marque comme résolue."
        ),
        required=False,
    )

    def __init__(self, *args, reply_to: Comment | None = None, **kwargs):
        if reply_to is not None:
            kwargs.setdefault("auto_id", f"id_reponse{reply_to.pk}_%s")
        super().__init__(*args, **kwargs)
        self.reply_to = reply_to
        # No maxlength in the page: a browser would cut a pasted text without a word; the
        # error message says how long it may be, and the text stays in the box.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        if reply_to is not None:
            del self.fields["is_question"]
            self.fields["body"].label = _("Votre réponse")

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        links = count_links(body)
        if links > MAX_LINKS:
            raise forms.ValidationError(
                _(
                    "Un commentaire contient au plus %(max)s liens ; le vôtre en a %(count)s. "
                    "Gardez les plus utiles, ou ajoutez-les à la ressource elle-même."
                ),
                params={"max": MAX_LINKS, "count": links},
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if self.reply_to is not None and self.reply_to.hidden_at is not None:
            raise forms.ValidationError(
                _("Ce commentaire a été masqué par la modération : on ne peut plus y répondre.")
            )
        return cleaned


class EditForm(CommentForm):
    def __init__(self, *args, comment: Comment, **kwargs):
        super().__init__(*args, initial={"body": comment.body}, **kwargs)
        del self.fields["is_question"]


class ReportForm(HoneypotFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Pourquoi ce commentaire pose-t-il problème ?"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Facultatif. Seule l'équipe d'animation le lira."),
        error_messages={
            "max_length": gettext_lazy(
                "%(limit_value)d caractères au plus ; vous en avez écrit %(show_value)d."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.pop("maxlength", None)


# --- What the resource page and the wiki home show -------------------------------------------


@dataclass
class Entry:
    """A comment as one person sees it, with what they may do with it."""

    comment: Comment
    html: str
    author: str
    masked: bool
    may_change: bool
    may_answer: bool
    may_report: bool
    reported: bool
    open_reports: int
    replies: list["Entry"] = field(default_factory=list)
    reply_form: CommentForm | None = None
    reply_open: bool = False

    @property
    def editable_until(self):
        return editable_until(self.comment)

    @property
    def hidden_by(self) -> str:
        return display_name(self.comment.hidden_by) if self.comment.hidden_by_id else ""

    @property
    def answered_by(self) -> str:
        return display_name(self.comment.answered_by) if self.comment.answered_by_id else ""


def _comment_url(page: RessourcePage, request) -> str:
    return page.get_url(request) + page.reverse_subpage("comment")


def _login_url(page: RessourcePage, request) -> str:
    return reverse("account_login") + "?" + urlencode({"next": page.get_url(request)})


def page_context(request, page: RessourcePage, *, posted: CommentForm | None = None) -> dict:
    """The discussion under a resource. `posted`: a form sent with errors, shown again."""
    user = request.user
    threads = selectors.page_comments(page)
    moderator = may_moderate(user)
    commenter = may_comment(user)
    questions = any(comment.is_question for comment in threads if comment.author_id != user.pk)
    editor = questions and may_edit(user, page)
    reported = selectors.reported_by(user, page)
    now = timezone.now()

    def entry(comment: Comment) -> Entry:
        masked = comment.hidden_at is not None and not moderator
        return Entry(
            comment=comment,
            html="" if masked else as_html(comment.body),
            author=display_name(comment.author),
            masked=masked,
            may_change=may_change(user, comment, now=now),
            may_answer=may_mark_answered(user, comment, editor=editor),
            may_report=may_report(user) and not masked and comment.author_id != user.pk,
            reported=comment.pk in reported,
            open_reports=comment.open_reports if moderator else 0,
        )

    entries = []
    for comment in threads:
        top = entry(comment)
        top.replies = [entry(reply) for reply in comment.replies.all()]
        if posted is not None and posted.reply_to is not None and posted.reply_to == comment:
            top.reply_form, top.reply_open = posted, True
        elif commenter and comment.hidden_at is None:
            top.reply_form = CommentForm(reply_to=comment)
        entries.append(top)
    form = None
    if commenter:
        form = posted if posted is not None and posted.reply_to is None else CommentForm()
    visible = [
        item for top in entries for item in (top, *top.replies) if not item.comment.hidden_at
    ]
    return {
        "discussion": {
            "threads": entries,
            "count": len(visible),
            "form": form,
            "comment_url": _comment_url(page, request),
            "login_url": _login_url(page, request),
            "moderator": moderator,
            "reported_url": reverse("ressources_comments_reported") if moderator else "",
        }
    }


def home_context(request, index: RessourceIndexPage) -> dict:
    moderator = may_moderate(request.user)
    return {
        "discussion_home": {
            "open_questions": selectors.open_questions(5),
            "most_discussed": selectors.most_discussed(5),
            "reported_count": selectors.reported_count() if moderator else 0,
            "reported_url": reverse("ressources_comments_reported") if moderator else "",
        }
    }


# --- Actions ---------------------------------------------------------------------------------


def _refused(request, message: str, *, title: str = ""):
    return refusal(request, status=403, title=title or _("Action non autorisée"), message=message)


def _comment(request, pk: int) -> Comment:
    """The comment, if its resource is live and this request may see it; else 404."""
    comment = (
        Comment.objects.select_related("page", "author", "hidden_by")
        .defer("page__body")
        .filter(pk=pk)
        .first()
    )
    if comment is None or not comment.page.live:
        raise Http404
    for restriction in comment.page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404
    return comment


def _anchor(request, comment: Comment) -> str:
    return f"{comment.page.get_url(request)}#commentaire-{comment.pk}"


def _back(request, comment: Comment):
    """Where the action came from (the reported comments' list), else the comment."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(_anchor(request, comment))


def _posted(request):
    return request.POST if request.method == "POST" else None


@never_cache
@login_required
@COMMENT_GUARD
def post_comment(request, page: RessourcePage):
    """A new comment or a reply, sent from the resource page (its `commentaires/` route)."""
    if request.method != "POST":
        return redirect(page.get_url(request) + "#commentaires")
    if not may_comment(request.user):
        return _refused(
            request,
            _(
                "Seuls les membres des structures du réseau et l'équipe d'animation peuvent "
                "commenter les ressources."
            ),
        )
    reply_to = None
    reply_pk = request.POST.get("reponse_a", "")
    if reply_pk:
        reply_to = (
            Comment.objects.filter(pk=reply_pk, page=page).select_related("parent").first()
            if reply_pk.isdigit()
            else None
        )
        if reply_to is None:
            raise Http404
        reply_to = reply_to.parent or reply_to  # replies go one level deep
    form = CommentForm(request.POST, reply_to=reply_to)
    if not form.is_valid():
        return page.render(request, context_overrides=page_context(request, page, posted=form))
    comment = Comment.objects.create(
        page=page,
        author=request.user,
        parent=reply_to,
        body=form.cleaned_data["body"],
        is_question=reply_to is None and form.cleaned_data["is_question"],
    )
    if comment.is_question:
        messages.success(request, _("Votre question est publiée."))
    else:
        messages.success(request, _("Votre commentaire est publié."))
    return redirect(_anchor(request, comment))


@never_cache
@login_required
@COMMENT_GUARD
def edit_comment(request, pk: int):
    comment = _comment(request, pk)
    if comment.author_id != request.user.pk:
        return _refused(request, _("Vous ne pouvez modifier que vos propres commentaires."))
    form = EditForm(_posted(request), comment=comment)
    late = ""
    if not may_change(request.user, comment):
        late = _(
            "Un commentaire se modifie pendant %(minutes)s minutes après sa publication : ce "
            "délai est passé. Votre texte est encore ci-dessous : copiez-le si vous voulez le "
            "publier comme nouveau commentaire."
        ) % {"minutes": int(EDIT_WINDOW.total_seconds() // 60)}
        if comment.hidden_at is not None:
            late = _("Ce commentaire a été masqué par la modération : il ne se modifie plus.")
    elif form.is_bound and form.is_valid():
        Comment.objects.filter(pk=comment.pk).update(
            body=form.cleaned_data["body"], edited_at=timezone.now()
        )
        messages.success(request, _("Votre commentaire est modifié."))
        return redirect(_anchor(request, comment))
    return render(
        request,
        "ressources/discussion/edit.html",
        {"form": form, "comment": comment, "page": comment.page, "late": late},
        status=403 if late else 200,
    )


@require_POST
@never_cache
@login_required
@ACTION_GUARD
def mark_answered(request, pk: int):
    comment = _comment(request, pk)
    user = request.user
    editor = comment.is_question and may_edit(user, comment.page)
    if not may_mark_answered(user, comment, editor=editor):
        return _refused(
            request,
            _(
                "Seules la personne qui a posé la question et celles qui peuvent modifier la "
                "ressource la marquent comme résolue."
            ),
        )
    if request.POST.get("resolue") == "1":
        Comment.objects.filter(pk=comment.pk).update(answered_at=timezone.now(), answered_by=user)
        messages.success(request, _("La question est marquée comme résolue."))
    else:
        Comment.objects.filter(pk=comment.pk).update(answered_at=None, answered_by=None)
        messages.success(request, _("La question est de nouveau ouverte."))
    return redirect(_anchor(request, comment))


@require_POST
@never_cache
@login_required
@ACTION_GUARD
def hide_comment(request, pk: int):
    comment = _comment(request, pk)
    user = request.user
    if not may_moderate(user):
        return _refused(request, _("Seule l'équipe d'animation masque des commentaires."))
    now = timezone.now()
    if request.POST.get("masquer") == "1":
        if comment.hidden_at is None:
            Comment.objects.filter(pk=comment.pk).update(hidden_at=now, hidden_by=user)
        comment.reports.filter(handled_at__isnull=True).update(handled_at=now)
        messages.success(request, _("Le commentaire est masqué."))
    else:
        if comment.hidden_at is not None:
            Comment.objects.filter(pk=comment.pk).update(hidden_at=None, hidden_by=None)
        messages.success(request, _("Le commentaire est de nouveau visible."))
    return _back(request, comment)


@require_POST
@never_cache
@login_required
@ACTION_GUARD
def keep_comment(request, pk: int):
    """A moderator has read the reports and keeps the comment: the reports are handled."""
    comment = _comment(request, pk)
    if not may_moderate(request.user):
        return _refused(request, _("Seule l'équipe d'animation traite les signalements."))
    comment.reports.filter(handled_at__isnull=True).update(handled_at=timezone.now())
    messages.success(request, _("Signalement classé : le commentaire reste visible."))
    return redirect("ressources_comments_reported")


@never_cache
@login_required
@ACTION_GUARD
def report_comment(request, pk: int):
    comment = _comment(request, pk)
    user = request.user
    if not may_report(user) or (comment.hidden_at is not None and not may_moderate(user)):
        raise Http404
    if CommentReport.objects.filter(comment=comment, reporter=user).exists():
        messages.info(
            request,
            _("Vous avez déjà signalé ce commentaire : l'équipe d'animation va le regarder."),
        )
        return redirect(_anchor(request, comment))
    form = ReportForm(_posted(request))
    if form.is_bound and form.is_valid():
        CommentReport.objects.get_or_create(
            comment=comment, reporter=user, defaults={"reason": form.cleaned_data["reason"]}
        )
        messages.success(request, _("Merci : l'équipe d'animation va regarder ce commentaire."))
        return redirect(_anchor(request, comment))
    return render(
        request,
        "ressources/discussion/report.html",
        {
            "form": form,
            "comment": comment,
            "page": comment.page,
            "html": as_html(comment.body),
            "author": display_name(comment.author),
        },
    )


@never_cache
@login_required
def reported_comments(request):
    if not may_moderate(request.user):
        return _refused(request, _("Seule l'équipe d'animation voit les commentaires signalés."))
    comments = selectors.reported_comments()
    entries = [
        {
            "comment": comment,
            "html": as_html(comment.body),
            "author": display_name(comment.author),
            "reports": [
                {"report": report, "reporter": display_name(report.reporter)}
                for report in comment.open
            ],
        }
        for comment in comments
    ]
    return render(request, "ressources/discussion/reported.html", {"entries": entries})


urlpatterns = [
    path("commentaires/signales/", reported_comments, name="ressources_comments_reported"),
    path("commentaires/<int:pk>/modifier/", edit_comment, name="ressources_comment_edit"),
    path("commentaires/<int:pk>/resolue/", mark_answered, name="ressources_comment_answered"),
    path("commentaires/<int:pk>/masquer/", hide_comment, name="ressources_comment_hide"),
    path("commentaires/<int:pk>/garder/", keep_comment, name="ressources_comment_keep"),
    path("commentaires/<int:pk>/signaler/", report_comment, name="ressources_comment_report"),
]


# --- Personal data ---------------------------------------------------------------------------


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def export_data(user) -> dict:
    """The person's comments and reports, for "exporter mes données"."""
    return {
        "comments": [
            {
                "id": comment.pk,
                "ressource": comment.page.title,
                "ressource_id": comment.page_id,
                "reply_to": comment.parent_id,
                "question": comment.is_question,
                "answered_at": _iso(comment.answered_at),
                "text": comment.body,
                "written_at": _iso(comment.created_at),
                "edited_at": _iso(comment.edited_at),
                "hidden_by_moderation": comment.hidden_at is not None,
            }
            for comment in selectors.comments_of(user)
        ],
        "comment_reports": [
            {
                "comment_id": report.comment_id,
                "ressource": report.comment.page.title,
                "reason": report.reason,
                "reported_at": _iso(report.created_at),
                "handled_at": _iso(report.handled_at),
            }
            for report in selectors.reports_of(user)
        ],
    }
