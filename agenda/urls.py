"""Front-end routes of the agenda outside its pages: proposing, changing and moderating events
(included by website.urls under /evenements/)."""

from django.urls import path

from agenda import contribute

urlpatterns = [
    path("proposer/", contribute.propose, name="agenda_propose"),
    path("<int:pk>/modifier/", contribute.edit, name="agenda_event_edit"),
    path("mes-evenements/", contribute.my_events, name="agenda_my_events"),
    path("moderation/", contribute.moderation_queue, name="agenda_moderation"),
    path("moderation/<int:pk>/", contribute.moderation_review, name="agenda_moderation_review"),
]
