"""An address that signed up without an account and confirmed it (double opt-in).

Abstract: each app's model (the funding watch's Alert…) adds what it sends and when, and names
its two link pages. The address is kept until the person unsubscribes (the row is deleted), or
for website.mailing.UNCONFIRMED_DAYS if it is never confirmed.
"""

import re
import secrets
from datetime import datetime, timedelta
from typing import ClassVar, Self

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from website.mailing import UNCONFIRMED_DAYS, absolute_url

KEY_LENGTH = 43  # secrets.token_urlsafe(32)
# What a key may look like: checked before the database sees it (a NUL byte in a link would
# make PostgreSQL refuse the query).
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_key() -> str:
    return secrets.token_urlsafe(32)


class OptInAddress(models.Model):
    email = models.EmailField(_("adresse électronique"), max_length=254)
    # In the confirmation and unsubscribe links: who holds it controls this row, and only it.
    # Random and stored rather than signed, so the unsubscribe link works as long as the row.
    key = models.CharField(max_length=KEY_LENGTH + 5, unique=True, default=new_key, editable=False)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)

    # URL names of the app's confirmation and unsubscribe pages, which take the key.
    confirm_url_name: ClassVar[str]
    unsubscribe_url_name: ClassVar[str]

    class Meta:
        abstract = True

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def confirm_url(self) -> str:
        return absolute_url(reverse(self.confirm_url_name, args=[self.key]))

    @property
    def unsubscribe_url(self) -> str:
        return absolute_url(reverse(self.unsubscribe_url_name, args=[self.key]))

    def confirm(self) -> None:
        """Confirming again changes nothing: the first confirmation's date stays."""
        if self.confirmed_at is None:
            self.confirmed_at = timezone.now()
            self.save(update_fields=["confirmed_at"])

    @classmethod
    def by_key(cls, key: str) -> Self | None:
        return cls.objects.filter(key=key).first() if KEY_SHAPE.fullmatch(key) else None

    @classmethod
    def sign_up(cls, *, email: str, defaults: dict, **lookup) -> Self:
        """The row for this address and `lookup`, created or taken up again (an unconfirmed one
        takes the new `defaults`). The visitor is not told which: the answer is the same."""
        email = email.strip()
        found = cls.objects.filter(email__iexact=email, **lookup).first()
        if found is None:
            try:
                with transaction.atomic():
                    return cls.objects.create(email=email, **lookup, **defaults)
            except IntegrityError:  # the same form sent twice at once
                return cls.objects.get(email__iexact=email, **lookup)
        if not found.confirmed and defaults:
            for name, value in defaults.items():
                setattr(found, name, value)
            found.save(update_fields=list(defaults))
        return found

    @classmethod
    def purge_unconfirmed(cls, now: datetime) -> int:
        """Addresses never confirmed are forgotten after UNCONFIRMED_DAYS."""
        deleted, _by_model = cls.objects.filter(
            confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS)
        ).delete()
        return deleted
