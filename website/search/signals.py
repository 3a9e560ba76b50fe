"""Keep the search index in step where Wagtail changes pages without saving them."""

from django.dispatch import receiver

from wagtail.signals import post_page_move

from .tasks import reindex_subtree


@receiver(post_page_move)
def reindex_moved_subtree(sender, instance, **kwargs):
    # A move rewrites the descendants' tree paths with one UPDATE and no save signal, so their
    # index entries keep the old path, which descendant_of() and public() filter on: a page
    # moved under a private section would still be found by a public search.
    reindex_subtree.enqueue(instance.pk)
