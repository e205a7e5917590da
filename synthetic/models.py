from django.db import models


class DroppedForLoad(models.Model):
    """
    A secondary index or a foreign key dropped while a large synthetic load
    runs and made again, in one pass, at its end (`generator.rebuilt_after`).
    Kept here until it is made again, so that a load that was killed leaves
    the statement that restores it behind, and the next run restores it.
    """

    class Kind(models.TextChoices):
        INDEX = "index"
        FOREIGN_KEY = "foreign key"

    table = models.CharField(max_length=63)
    name = models.CharField(max_length=63)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The statement that makes it again, as PostgreSQL defines it.
    statement = models.TextField()
    dropped_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table", "name"], name="dropped_for_load_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.table}.{self.name}"
