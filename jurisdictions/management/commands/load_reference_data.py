from typing import Any

from django.core.management.base import BaseCommand

from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
from jurisdictions.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Create the ISO 3166 jurisdictions, practice areas and exchange rates that are missing. "
        "Rows that exist are left as staff made them; safe to run any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = reference_data_load()
        totals = {
            "jurisdictions": (created.jurisdictions, Jurisdiction.objects.count()),
            "practice areas": (created.practice_areas, PracticeArea.objects.count()),
            "exchange rates": (created.exchange_rates, ExchangeRate.objects.count()),
        }
        for label, (new, total) in totals.items():
            self.stdout.write(f"{label}: {new} created, {total} in total")
        active = Jurisdiction.objects.filter(is_active=True).count()
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {active} jurisdictions active."))
