from django.core.management.base import BaseCommand, CommandError

from accounts import i18n


class Command(BaseCommand):
    help = "Translation catalogue: 'update' the .po from the code, 'compile' the .mo, 'check' completeness."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["update", "compile", "check"])

    def handle(self, *args, action, **options):
        if action == "update":
            catalog = i18n.update()
            todo = i18n.missing()
            self.stdout.write(f"{i18n.PO_PATH}: {len(catalog)} messages, {len(todo)} to translate")
        elif action == "compile":
            self.stdout.write(f"compiled {i18n.compile_mo()}")
        else:
            todo = i18n.missing()
            if todo:
                raise CommandError("Missing Chinese translations:\n  " + "\n  ".join(todo))
            self.stdout.write("every message has its Chinese translation")
