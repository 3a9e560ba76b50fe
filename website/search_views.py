"""The site search page and its search box's suggestions."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from website import searching
from website.guard import public_form

# A query of 5,000 characters, each percent-encoded on four bytes, is still answered (cut to
# MAX_QUERY_LENGTH, with a notice) rather than refused.
MAX_QUERY_BYTES = 96 * 1024


@method_decorator(
    public_form(scope="search", limit=120, window=60, max_bytes=MAX_QUERY_BYTES, methods=("GET",)),
    name="dispatch",
)
class SearchView(View):
    def get(self, request):
        found = searching.search_site(
            request,
            request.GET.get("q", ""),
            type_key=request.GET.get("type", ""),
            page_number=request.GET.get("page"),
            now=timezone.now(),
        )
        context = {"search_query": found.query, "found": found}
        if not found.total:
            context["sections"] = searching.sections_to_explore(request)
        return render(request, "website/search.html", context)


@method_decorator(
    # Typing asks once per pause (the script waits for one), a few times per search.
    public_form(
        scope="search-suggestions", limit=240, window=60, max_bytes=8 * 1024, methods=("GET",)
    ),
    name="dispatch",
)
class SuggestionsView(View):
    def get(self, request):
        try:
            suggestions = searching.autocomplete(request, request.GET.get("q", ""))
        except searching.SearchRefused:
            suggestions = []
        response = JsonResponse({"suggestions": suggestions})
        response["Cache-Control"] = "private, max-age=60"
        return response
