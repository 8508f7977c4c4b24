"""Print the demo accounts and their password (`make run` shows them before serving)."""

from typing import Any

from django.core.management.base import BaseCommand

from lawyers.management.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_existing


def demo_logins_text(existing: set[str]) -> str:
    width = max(len(account.email) for account in DEMO_ACCOUNTS)
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}) at /accounts/login/:"]
    for account in DEMO_ACCOUNTS:
        missing = "" if account.email in existing else "  [not created yet: run manage.py seed_demo]"
        lines.append(f"  {account.email:<{width}}  {account.what}{missing}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the demo accounts (two clients of Acme, one of Globex, a lawyer, staff) and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_logins_text(demo_accounts_existing()))
