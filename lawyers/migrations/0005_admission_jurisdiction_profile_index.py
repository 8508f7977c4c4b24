"""Index (jurisdiction, profile) over every bar admission, verified or not.

The staff lawyer list's jurisdiction filter (`EXISTS` an admission in these jurisdictions) and its page
count read the admitted profiles from this index alone; before, a count for New York fetched 26k
admission rows from 1,800 heap pages (~50 ms of a 70-120 ms count at 100k lawyers).
Database only (RunSQL, no model state): the models are unchanged, so makemigrations stays clean.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lawyers", "0004_admin_queue_order_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql='CREATE INDEX IF NOT EXISTS "bar_admission_jurisdiction_profile_idx" '
            'ON "lawyers_baradmission" ("jurisdiction_id", "profile_id");',
            reverse_sql='DROP INDEX IF EXISTS "bar_admission_jurisdiction_profile_idx";',
        ),
    ]
