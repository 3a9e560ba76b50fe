"""Actions in the admin, for the facilitators: the model permissions that bilans/setup.py
gives their group, and nobody else's (members update status from the front end only)."""

from django.forms import modelform_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet

from bilans.forms import carriers_field, carriers_text
from bilans.models import Action


class ActionAdminForm(WagtailAdminModelForm):
    carriers = carriers_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("carriers", carriers_text(self.instance))

    def save(self, commit=True):
        action = super().save(commit=False)
        if "status" in self.changed_data:
            action.status_changed_at = timezone.now()
            action.status_changed_by = self.for_user
        if commit:
            action.save()
            self.save_m2m()
            action.carried_by.set(self.cleaned_data["carriers"])
        return action


class ActionViewSet(ModelViewSet):
    model = Action
    form_fields = ["bilan", "section_title", "structure", "description", "due_date", "status"]
    icon = "tasks"
    menu_label = _("Actions des bilans")
    add_to_admin_menu = True
    list_display = ["description", "structure", "due_date", "status"]
    list_filter = ["status", "structure"]
    search_fields = ["description"]

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=ActionAdminForm,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.form_fields,
        )


@hooks.register("register_admin_viewset")
def register_action_viewset():
    return ActionViewSet("bilan_actions")
