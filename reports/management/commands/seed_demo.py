"""Build the demo subdistrict and its accounts, with a year of five-co history. Running it again
changes nothing.

It lives in reports, the app that may read all the others: each app seeds its own part.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from governance.demo import seed_governance
from grid.demo import seed_grid
from property.demo import DEMO_PASSWORD, seed_accounts, seed_estate, seed_fees
from renovation.demo import seed_renovation
from reports.demo import seed_history
from volunteers.demo import seed_volunteers


class Command(BaseCommand):
    help = (
        "Create the demo subdistrict (estate, fees, volunteers, self-governance, grids, renovation projects,"
        " a year of five-co history) and demo accounts."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        with transaction.atomic():
            estate = seed_estate()
            accounts = seed_accounts(estate)
            seed_fees(estate, today)
            accounts += seed_volunteers(estate, timezone.now())
            accounts += seed_governance(estate, timezone.now())
            accounts += seed_grid(estate, timezone.now())
            accounts += seed_renovation(estate, timezone.now())
            movement = seed_history(estate, today)
        self.stdout.write(
            self.style.SUCCESS(f"Demo subdistrict {estate.subdistrict.name}: {estate.counts()}")
        )
        for direction, names in movement.items():
            self.stdout.write(f"  five-co history, {direction}: {'、'.join(names)}")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, description in accounts:
            self.stdout.write(f"  {username:<12} {description}")
