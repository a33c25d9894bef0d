from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from calcinosis.authoring import GROUP


class Command(BaseCommand):
    help = "Give an existing account instructor rights: Django admin access and the Instructors group."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No account named {username!r}: sign up at /accounts/signup/ first.") from None
        group = Group.objects.get(name=GROUP)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(group)
        self.stdout.write(f"{username} is now an instructor (admin at /admin/).")
