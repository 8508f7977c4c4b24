"""`manage.py seed_demo --lawyers N --seed S`: the demo accounts and N generated lawyers, in bulk.

Deterministic (lawyer i of seed S is always the same person with the same admissions), idempotent
(a second run with the same arguments only checks, in two queries), resumable (an interrupted run,
or a larger N, tops up from where the last one stopped) and bounded in memory (chunks of lawyers,
each written in one transaction). `--reset` deletes the generated lawyers first.
"""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from jurisdictions.services import reference_data_ensure
from lawyers.management.commands.demo_logins import demo_logins_text
from lawyers.management.demo import MAX_DEMO_LAWYERS, DemoNetwork, LawyerSpec
from lawyers.management.demo_accounts import demo_accounts_ensure, demo_accounts_existing
from lawyers.management.seeding import (
    demo_lawyer_users,
    demo_lawyers_delete,
    demo_lawyers_write,
    demo_tables_analyze,
    reference_snapshot,
)


class Command(BaseCommand):
    help = "Create the demo accounts and N generated lawyers (deterministic for a seed; safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lawyers", type=int, default=300, help="How many lawyers (default 300).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the generated lawyers first, then create them again."
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=5000,
            help="Lawyers per transaction (bounds memory; default 5000).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted: int = options["lawyers"]
        seed: int = options["seed"]
        chunk_size: int = options["chunk_size"]
        if not 0 <= wanted <= MAX_DEMO_LAWYERS:
            raise CommandError(f"--lawyers must be between 0 and {MAX_DEMO_LAWYERS:,}.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        progress_off = True if options["no_progress"] else None  # None: tqdm shows it on a terminal only
        started = time.monotonic()

        reference_data_ensure()
        today = timezone.localdate()
        staff, created = demo_accounts_ensure(today=today)
        for account in created:
            self.stdout.write(f"Created demo account {account.email} ({account.what}).")

        if options["reset"]:
            total = demo_lawyer_users().count()
            with tqdm(
                total=total,
                desc="Deleting",
                unit="lawyer",
                disable=progress_off or not total,
                file=self._progress_file(),
            ) as bar:
                deleted = demo_lawyers_delete(progress=bar.update)
            self.stdout.write(f"Deleted {deleted:,} generated demo lawyers.")

        try:
            network = DemoNetwork(seed=seed, reference=reference_snapshot(), today=today)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        existing = demo_lawyer_users().count()
        if existing and not self._same_network(network, existing):
            message = (
                f"The database holds {existing:,} demo lawyers from another seed (or other reference data) "
                f"than --seed {seed}. Run again with --reset to replace them."
            )
            if existing >= wanted:
                self.stdout.write(self.style.WARNING(message + " Nothing to do."))
                self._print_logins()
                return
            raise CommandError(message)
        if existing >= wanted:
            if existing:
                self.stdout.write(
                    f"Already seeded: {existing:,} demo lawyers (seed {seed}); nothing to do. "
                    "Use --reset to re-create them."
                )
            self._print_logins()
            return

        statuses: Counter[str] = Counter()
        now = timezone.now()
        chunks = [
            range(start, min(start + chunk_size, wanted)) for start in range(existing, wanted, chunk_size)
        ]

        def generate(indices: range) -> list[LawyerSpec]:
            return [network.lawyer(index) for index in indices]

        # The next chunk is generated (pure Python) while the database stores this one.
        with (
            ThreadPoolExecutor(max_workers=1) as generator,
            tqdm(
                total=wanted,
                initial=existing,
                desc="Lawyers",
                unit="lawyer",
                disable=progress_off,
                file=self._progress_file(),
            ) as bar,
        ):
            upcoming = generator.submit(generate, chunks[0])
            for n in range(len(chunks)):
                specs = upcoming.result()
                if n + 1 < len(chunks):
                    upcoming = generator.submit(generate, chunks[n + 1])
                demo_lawyers_write(specs=specs, staff=staff, now=now)
                statuses.update(spec.status for spec in specs)
                bar.update(len(specs))
        # Plan the next queries (matching, `make bench`) on statistics that include these rows.
        demo_tables_analyze()
        added = wanted - existing
        summary = ", ".join(f"{count:,} {status}" for status, count in statuses.most_common())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {added:,} demo lawyers (seed {seed}; {wanted:,} in all) in "
                f"{time.monotonic() - started:.1f} s: {summary}."
            )
        )
        self._print_logins()

    def _same_network(self, network: DemoNetwork, existing: int) -> bool:
        """Whether the stored demo lawyers are this seed's first `existing` ones (first and last exist)."""
        emails = {network.email(0), network.email(existing - 1)}
        return demo_lawyer_users().filter(email__in=emails).count() == len(emails)

    def _print_logins(self) -> None:
        self.stdout.write(demo_logins_text(demo_accounts_existing()))

    def _progress_file(self) -> Any:
        # tqdm redraws with "\r": write to the raw stream, not Django's line-ending wrapper.
        return getattr(self.stderr, "_out", self.stderr)
