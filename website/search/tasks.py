from collections import defaultdict

from django_tasks import task

from modelsearch.backends import get_search_backends
from modelsearch.index import class_is_indexed


@task()
def reindex_subtree(page_id: int) -> int:
    """Index a page and its descendants again, in bulk; returns how many pages."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    by_model = defaultdict(list)
    for descendant in Page.objects.descendant_of(page, inclusive=True).specific().iterator():
        if class_is_indexed(type(descendant)):
            by_model[type(descendant)].append(descendant)
    for backend in get_search_backends(with_auto_update=True):
        for model, pages in by_model.items():
            backend.add_bulk(model, pages)
    return sum(len(pages) for pages in by_model.values())
