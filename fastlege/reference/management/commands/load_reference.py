from django.core.management.base import BaseCommand

from fastlege.reference.loader import load_reference


class Command(BaseCommand):
    help = "Laster fylker, kommuner, folketall, postnumre og KOSTRA-tall (idempotent)."

    def handle(self, *args, **options):
        result = load_reference()
        for name in result.created:
            self.stdout.write(
                f"{name}: {result.created[name]} nye, {result.updated.get(name, 0)} endret"
            )
        if not result.changed:
            self.stdout.write(self.style.SUCCESS("Referansedata var allerede oppdatert."))
