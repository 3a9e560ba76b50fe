"""The site search page: every live, public page, through the configured search backend."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from wagtail.models import Page

from website.guard import public_form

MAX_QUERY_LENGTH = 200
PER_PAGE = 20


@method_decorator(
    public_form(scope="search", limit=120, window=60, methods=("GET",)), name="dispatch"
)
class SearchView(View):
    def get(self, request):
        query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
        results = (
            Page.objects.live().public().specific().search(query) if query else Page.objects.none()
        )
        paginator = Paginator(results, PER_PAGE)
        try:
            results_page = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            results_page = paginator.page(1)
        return render(
            request, "website/search.html", {"search_query": query, "results": results_page}
        )
