"""The wiki's views that are not a page's own: comment actions, follows, unsubscribing."""

from ressources import discussion, following

urlpatterns = [*discussion.urlpatterns, *following.urlpatterns]
