from django.db import models


class RateLimitCounter(models.Model):
    """Requests counted per (scope, key) in fixed time windows, shared by every process.

    The key is a keyed hash of what is limited (an IP address, an email address), never the
    value itself, and rows only live as long as their window.
    """

    scope = models.CharField(max_length=40)
    key_digest = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_digest", "window_start"], name="rate_limit_window_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_limit_window_start")]

    def __str__(self):
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"
