"""Following the wiki: follow a resource, a tag or the whole wiki; the digest's frequency; the
one-click unsubscribe; "Modifications récentes" and its Atom feed.

Kept thin: ressources.changes reads what happened, ressources.digests builds and signs emails,
website.mailing_views serves the unsubscribe page.
"""

from datetime import timedelta

from taggit.models import Tag

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from ressources import changes, digests, selectors
from ressources.models import (
    DigestSubscription,
    Follow,
    Frequency,
    RessourceIndexPage,
    RessourcePage,
    Visit,
)
from website.feeds import conditional_feed
from website.guard import public_form
from website.mailing_views import UnsubscribeView

RECENT_DAYS = 30
LINES_PER_PAGE = 30
FEED_SIZE = 50

UNSUBSCRIBE_GUARD = public_form(scope="wiki-unsubscribe", limit=30, window=3600, max_bytes=2048)
FOLLOW_GUARD = public_form(scope="wiki-follow", limit=120, window=3600, max_bytes=16 * 1024)


# --- Services --------------------------------------------------------------------------------


def follow(*, user, page: RessourcePage | None = None, tag: Tag | None = None) -> Follow:
    """`user` follows `page`, `tag`, or (neither) the whole wiki; twice is once.

    The first follow gives them the default digest (weekly) from now on.
    """
    with transaction.atomic():
        DigestSubscription.objects.get_or_create(user=user)
        found, _created = Follow.objects.get_or_create(user=user, page=page, tag=tag)
    return found


def unfollow(*, user, page: RessourcePage | None = None, tag: Tag | None = None) -> None:
    Follow.objects.filter(user=user, page=page, tag=tag).delete()


def set_frequency(*, user, frequency: str) -> DigestSubscription:
    """Change the digest's frequency. Coming back from "jamais", the digest starts from now:
    it never sends months of changes at once."""
    subscription, _created = DigestSubscription.objects.get_or_create(user=user)
    if subscription.frequency == Frequency.NEVER and frequency != Frequency.NEVER:
        subscription.covered_until = timezone.now()
    subscription.frequency = frequency
    subscription.save(update_fields=["frequency", "covered_until"])
    return subscription


def follows_of(user) -> list[Follow]:
    """What the person follows, oldest first, with the page or tag followed."""
    return list(
        Follow.objects.filter(user=user)
        .select_related("page", "tag")
        .defer("page__body")
        .order_by("created_at", "pk")
    )


def export_data(user) -> dict:
    """The person's follows, digest preference and last visits, for the personal-data export."""
    subscription = DigestSubscription.objects.filter(user=user).first()
    visits = Visit.objects.filter(user=user).select_related("page").defer("page__body")
    return {
        "wiki_follows": [
            {
                "target": "page" if item.page_id else "tag" if item.tag_id else "wiki",
                "page": item.page.title if item.page_id else None,
                "page_id": item.page_id,
                "tag": item.tag.name if item.tag_id else None,
                "since": timezone.localtime(item.created_at).isoformat(),
            }
            for item in follows_of(user)
        ],
        "wiki_digest": {
            "frequency": subscription.frequency if subscription else Frequency.WEEKLY.value,
            "covered_until": timezone.localtime(subscription.covered_until).isoformat()
            if subscription and subscription.covered_until
            else None,
        },
        "wiki_last_visits": [
            {
                "page": visit.page.title,
                "page_id": visit.page_id,
                "seen_at": timezone.localtime(visit.seen_at).isoformat(),
            }
            for visit in visits.order_by("page_id")
        ],
    }


# --- Contexts of the wiki's pages ------------------------------------------------------------


def _followed_keys(user) -> list[tuple[int | None, int | None]]:
    if not user.is_authenticated:
        return []
    return list(Follow.objects.filter(user=user).values_list("page_id", "tag_id"))


def page_context(request, page) -> dict:
    follows = _followed_keys(request.user)
    url = page.get_url(request)
    return {
        "following": {
            "url": url + page.reverse_subpage("follow"),
            "active": (page.pk, None) in follows,
            "whole_wiki": (None, None) in follows,
            "login_url": _login_url(url),
        }
    }


def home_context(request, index) -> dict:
    follows = _followed_keys(request.user)
    slug = request.GET.get("mot_cle", "")
    tag = Tag.objects.filter(slug=slug).first() if slug and len(slug) <= 100 else None
    return {
        "following": {
            "wiki_url": reverse("ressources_follow_wiki"),
            "tag_url": reverse("ressources_follow_tag"),
            "whole_wiki": (None, None) in follows,
            "tag": tag,
            "tag_followed": tag is not None and (None, tag.pk) in follows,
            "followed_tags": {tag_id for _page, tag_id in follows if tag_id},
            "changes_url": index.url + index.reverse_subpage("recent_changes"),
            "feed_url": reverse("ressources_changes_feed"),
            "follows_url": reverse("ressources_follows"),
            "login_url": _login_url(request.get_full_path()),
            "here": request.get_full_path(),
        }
    }


# --- Following -------------------------------------------------------------------------------


class FollowForm(forms.Form):
    action = forms.ChoiceField(choices=[("suivre", "suivre"), ("ne-plus-suivre", "ne plus suivre")])
    suivant = forms.CharField(max_length=500, required=False)


class TagFollowForm(FollowForm):
    mot_cle = forms.SlugField(max_length=100)


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _next(request, form, default: str) -> str:
    target = form.cleaned_data.get("suivant") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _follow_view(request, *, form_class, default_url: str, target):
    """POST only, logged in; `target(form)` gives (page, tag, label) or None when unknown."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(default_url)
    form = form_class(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Demande incomplète."))
    page, tag, label = target(form)
    if form.cleaned_data["action"] == "suivre":
        follow(user=request.user, page=page, tag=tag)
        messages.success(request, _("Vous suivez maintenant %(what)s.") % {"what": label})
    else:
        unfollow(user=request.user, page=page, tag=tag)
        messages.success(request, _("Vous ne suivez plus %(what)s.") % {"what": label})
    return redirect(_next(request, form, default_url))


@FOLLOW_GUARD
def follow_page(request, page):
    return _follow_view(
        request,
        form_class=FollowForm,
        default_url=page.url,
        target=lambda form: (page, None, _("« %(title)s »") % {"title": page.title}),
    )


@never_cache
@FOLLOW_GUARD
def follow_wiki(request):
    return _follow_view(
        request,
        form_class=FollowForm,
        default_url=selectors.wiki_url() or "/",
        target=lambda form: (None, None, _("tout le wiki")),
    )


@never_cache
@FOLLOW_GUARD
def follow_tag(request):
    def target(form):
        tag = get_object_or_404(Tag, slug=form.cleaned_data["mot_cle"])
        return None, tag, _("le mot-clé « %(name)s »") % {"name": tag.name}

    return _follow_view(
        request,
        form_class=TagFollowForm,
        default_url=selectors.wiki_url() or "/",
        target=target,
    )


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=gettext_lazy("Recevoir un résumé par courriel"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choisissez une des fréquences proposées.")},
    )


@never_cache
@login_required
@FOLLOW_GUARD
def my_follows(request):
    user = request.user
    subscription = DigestSubscription.objects.filter(user=user).first()
    current = subscription.frequency if subscription else Frequency.WEEKLY
    form = FrequencyForm(request.POST or None, initial={"frequency": current})
    if request.method == "POST" and form.is_valid():
        set_frequency(user=user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Votre choix est enregistré."))
        return redirect("ressources_follows")
    follows = follows_of(user)
    pages = [item.page for item in follows if item.page_id]
    for page in pages:
        page.follow_url = page.get_url(request) + page.reverse_subpage("follow")
    return render(
        request,
        "ressources/following/my_follows.html",
        {
            "form": form,
            "whole_wiki": any(not item.page_id and not item.tag_id for item in follows),
            "pages": pages,
            "tags": [item.tag for item in follows if item.tag_id],
            "wiki_url": selectors.wiki_url(),
            "wiki_follow_url": reverse("ressources_follow_wiki"),
            "tag_follow_url": reverse("ressources_follow_tag"),
            "here": request.path,
        },
        status=400 if form.is_bound else 200,
    )


# --- Unsubscribing ---------------------------------------------------------------------------


# Website's unsubscribe page (GET asks, POST or a mail client's one-click post does it).
unsubscribe = UNSUBSCRIBE_GUARD(
    UnsubscribeView.as_view(
        template_name="ressources/following/unsubscribe.html",
        find=digests.user_for_token,
        act=digests.unsubscribe,
        context=lambda request: {"follows_url": reverse("ressources_follows")},
    )
)


# --- Recent changes --------------------------------------------------------------------------


class ChangesFilter(forms.Form):
    suivis = forms.BooleanField(required=False, label=gettext_lazy("Seulement ce que je suis"))


def _recent_lines(*, pages=None) -> list[changes.Line]:
    now = timezone.now()
    return changes.changes_between(now - timedelta(days=RECENT_DAYS), now, pages=pages)


def recent_changes(request, index):
    form = ChangesFilter(request.GET)
    only_followed = (
        request.user.is_authenticated and form.is_valid() and form.cleaned_data["suivis"]
    )
    lines = _recent_lines(pages=changes.followed_by(request.user) if only_followed else None)
    return TemplateResponse(
        request,
        "ressources/following/recent_changes.html",
        {
            "page": index,
            "self": index,
            "form": form,
            "only_followed": only_followed,
            "lines": Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page")),
            "days": RECENT_DAYS,
            "feed_url": reverse("ressources_changes_feed"),
            "follows_url": reverse("ressources_follows"),
        },
    )


class RecentChangesFeed(Feed):
    """Atom: one entry per line, its id stable while the line grows, updated with it."""

    feed_type = Atom1Feed
    author_name = gettext_lazy("Le réseau Relais")

    def __init__(self, index, lines):
        super().__init__()
        self.index, self.lines = index, lines

    def get_object(self, request, *args, **kwargs):
        self.request = request

    def title(self):
        return _("Modifications récentes · %(title)s") % {"title": self.index.title}

    def subtitle(self):
        return _("Ce qui a changé dans le wiki : ressources publiées et commentaires.")

    def link(self):
        return self.index.get_full_url(self.request) + self.index.reverse_subpage("recent_changes")

    def feed_guid(self):
        return self.link()

    def feed_url(self):
        return self.request.build_absolute_uri()

    def items(self):
        return self.lines

    def item_title(self, item):
        return f"{item.page.title} — {item.summary}"

    def item_description(self, item):
        return item.excerpt or item.summary

    def item_link(self, item):
        return item.page.get_full_url(self.request)

    def item_guid(self, item):
        return f"{self.item_link(item)}#{item.key}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.first_at

    def item_updateddate(self, item):
        return item.last_at

    def item_author_name(self, item):
        return item.names


def wiki_changes_feed(request):
    """The feed's address: /wiki/modifications/atom.xml (Wagtail serves no page route with a
    dot in its last segment)."""
    index = get_object_or_404(RessourceIndexPage.objects.live())
    return recent_changes_feed(request, index)


def recent_changes_feed(request, index):
    lines = _recent_lines()[:FEED_SIZE]
    feed = RecentChangesFeed(index, lines)
    newest = max((line.last_at for line in lines), default=None)
    return conditional_feed(
        request,
        version=("atom", [(line.key, line.last_at, line.count) for line in lines]),
        last_modified=newest,
        render=lambda: feed(request),
    )


urlpatterns = [
    path("suivis/", my_follows, name="ressources_follows"),
    path("suivre/tout/", follow_wiki, name="ressources_follow_wiki"),
    path("suivre/mot-cle/", follow_tag, name="ressources_follow_tag"),
    path("desabonnement/<str:token>/", unsubscribe, name="ressources_unsubscribe"),
    path("modifications/atom.xml", wiki_changes_feed, name="ressources_changes_feed"),
]
