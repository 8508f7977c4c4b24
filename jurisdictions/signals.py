"""Staff edits (admin, shell, services) of jurisdictions and practice areas drop the cached pages."""

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from jurisdictions import cache
from jurisdictions.models import Jurisdiction, PracticeArea


@receiver(post_save, sender=Jurisdiction)
@receiver(post_delete, sender=Jurisdiction)
@receiver(post_save, sender=PracticeArea)
@receiver(post_delete, sender=PracticeArea)
def reference_data_changed(sender: Any, **kwargs: Any) -> None:
    cache.invalidate()


@receiver(post_migrate)
def reference_data_migrated(sender: Any, **kwargs: Any) -> None:
    # Data migrations write through historical models, which send no signals for these senders.
    if sender.name == "jurisdictions":
        cache.invalidate(strict=False)
