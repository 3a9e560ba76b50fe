"""The site search page: every live, public page, through the configured search backend."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from wagtail.models import Page

from website.guard import public_form
from website.searching import SearchRefused, search

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 500
PER_PAGE = 20


@method_decorator(
    public_form(scope="search", limit=120, window=60, methods=("GET",)), name="dispatch"
)
class SearchView(View):
    def get(self, request):
        query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
        results, message = [], ""
        if query:
            try:
                results = search(Page.objects.live().public().specific(), query, limit=MAX_RESULTS)
            except SearchRefused:
                message = _(
                    "Cette recherche n'a pas pu être faite : essayez avec d'autres mots, sans signes de ponctuation."
                )
        results_page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "website/search.html",
            {"search_query": query, "results": results_page, "search_message": message},
        )
