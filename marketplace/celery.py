"""The Celery app. Workers: `celery -A marketplace worker`; periodic jobs: `celery -A marketplace beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Delivery and SLA jobs live in engagements/tasks_delivery.py.
app.autodiscover_tasks(related_name="tasks_delivery")
