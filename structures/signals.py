"""Keep derived rights in step with the data they come from, at once."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from structures.models import Facilitator, Membership, StructurePage
from structures.permissions import ensure_structure_rights, remove_structure_rights, sync_user


@receiver([post_save, post_delete], sender=Membership)
@receiver([post_save, post_delete], sender=Facilitator)
def resync_person(sender, instance, **kwargs):
    # When the account itself is being deleted, its rows cascade: nothing left to sync.
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_user(user)


@receiver(post_save, sender=StructurePage)
def give_new_structure_its_rights(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_structure_rights(instance)


@receiver(pre_delete, sender=StructurePage)
def drop_structure_rights(sender, instance, **kwargs):
    remove_structure_rights(instance)
