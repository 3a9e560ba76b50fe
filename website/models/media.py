"""Images and documents, with upload checks that look at the bytes and not only the name."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image

from website.security.uploads import UploadRefused, check_document


class RelaisImage(AbstractImage):
    # Wagtail uses `description` as the image's default alternative text.
    admin_form_fields = Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class RelaisRendition(AbstractRendition):
    image = models.ForeignKey(RelaisImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class RelaisDocument(AbstractDocument):
    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def clean(self):
        super().clean()
        if self.file and not getattr(self.file, "_committed", True):
            try:
                check_document(self.file, self.file.name)
            except UploadRefused as refusal:
                raise ValidationError({"file": refusal.message}) from None
