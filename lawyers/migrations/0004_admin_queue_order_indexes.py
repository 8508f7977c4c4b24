"""Indexes for the talent team's vetting queue (the admin changelist), ordered by submitted_at, pk.

Database only (RunSQL, no model state): the models are unchanged, so makemigrations stays clean.
Without them the queue's first page sorted all 100k profiles (0.1-0.3 s); with them it reads 50 index
entries, with or without the status filter.
"""

from django.db import migrations

INDEXES = {
    "lawyer_profile_queue_idx": '("submitted_at", "id")',
    "lawyer_profile_status_queue_idx": '("status", "submitted_at", "id")',
}


class Migration(migrations.Migration):
    dependencies = [
        ("lawyers", "0003_match_pool_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "lawyers_lawyerprofile" {columns};',
            reverse_sql=f'DROP INDEX IF EXISTS "{name}";',
        )
        for name, columns in INDEXES.items()
    ]
