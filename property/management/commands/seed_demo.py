"""Build the demo subdistrict and its accounts. Running it again changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from property.demo import DEMO_PASSWORD, seed_accounts, seed_estate, seed_fees


class Command(BaseCommand):
    help = "Create the demo subdistrict (communities, compounds, households, residents) and demo accounts."

    def handle(self, *args, **options):
        with transaction.atomic():
            estate = seed_estate()
            accounts = seed_accounts(estate)
            seed_fees(estate, timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(f"Demo subdistrict {estate.subdistrict.name}: {estate.counts()}")
        )
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, description in accounts:
            self.stdout.write(f"  {username:<10} {description}")
