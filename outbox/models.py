"""Jobs written in the same transaction as the change that needs them (a transactional outbox)."""

from django.db import models


class PendingJob(models.Model):
    """A Celery job not yet handed to the broker. Deleted once the broker has it."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["created_at"], name="pending_job_created_idx")]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"
