"""The pages that links in emails lead to: confirm an address, unsubscribe.

The token in the address is the only authority. Following the link shows what it would do and
a button; only the button (a POST) does it, so a mail scanner that opens every link confirms or
deletes nothing. Mail clients that offer one-click unsubscription (RFC 8058) post to the same
address, without a form or a cookie. Each app mounts these views with its own `find`, `act` and
template, which extends templates/mailing/link_page.html, behind its own guard;
`opt_in_urls` mounts both pages of a website.models.mailing.OptInAddress.
"""

from operator import attrgetter

from django.shortcuts import render
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from website.mailing import LinkError, UnknownLink


@method_decorator(never_cache, name="dispatch")
class LinkView(View):
    """GET: what the link would do, and a button. POST: `act`, then what was done.

    `find(token)` returns what the link is for, None when it is gone, or raises LinkError.
    `done(target)` tells whether the link's work is done already (a confirmed address).
    The template gets `error` (a LinkError's reason), `done`, the target as `target` and as
    `context_object_name`, and what `context(request)` adds.
    """

    http_method_names = ["get", "post"]
    template_name = ""
    context_object_name = "target"
    find = None
    act = None
    done = None
    context = None
    # After an unsubscribe, a link to what is gone has nothing left to do: say it is done.
    gone_means_done = False

    def get(self, request, token: str):
        return self.answer(request, token, act=False)

    def post(self, request, token: str):
        return self.answer(request, token, act=True)

    def answer(self, request, token: str, *, act: bool):
        context = self.context(request) if self.context else {}
        try:
            target = self.find(token)
            if target is None and not self.gone_means_done:
                raise UnknownLink
        except LinkError as error:
            return self.render(request, context | {"error": error.reason}, status=error.status)
        if act and target is not None:
            self.act(target)
        done = target is None or act or bool(self.done and self.done(target))
        context |= {"target": target, self.context_object_name: target, "done": done}
        return self.render(request, context)

    def render(self, request, context: dict, status: int = 200):
        response = render(request, self.template_name, context, status=status)
        # The address holds the token: no cache keeps it, no Referer carries it to another
        # site. Not "no-referrer": the browser would then post the button's form with
        # "Origin: null", which the CSRF check refuses.
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response


# RFC 8058: mail clients post here without a CSRF token; the token in the address is the proof.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(LinkView):
    """The unsubscribe link, in every email and in its List-Unsubscribe header."""

    gone_means_done = True


def opt_in_urls(
    model,
    *,
    guard,
    confirm_template: str,
    unsubscribe_template: str,
    context=None,
    context_object_name: str = "address",
):
    """The confirmation and unsubscribe pages of `model` (an OptInAddress), behind `guard`:
    confirming twice changes nothing, unsubscribing deletes the row, and a link to a row that
    is gone says so (unknown for a confirmation, done for an unsubscribe)."""
    common = {
        "find": model.by_key,
        "context": context,
        "context_object_name": context_object_name,
    }
    confirm = LinkView.as_view(
        template_name=confirm_template, act=model.confirm, done=attrgetter("confirmed"), **common
    )
    unsubscribe = UnsubscribeView.as_view(
        template_name=unsubscribe_template, act=model.delete, **common
    )
    return [
        path("confirmer/<str:token>/", guard(confirm), name=model.confirm_url_name),
        path("desabonner/<str:token>/", guard(unsubscribe), name=model.unsubscribe_url_name),
    ]
