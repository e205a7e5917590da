from django.db import models


class DeferredIndex(models.Model):
    """
    A secondary index dropped while a large synthetic load runs and built
    again, in one pass, at its end (`generator.indexes_built_after`). Kept
    here until it is built again, so that a load that was killed leaves the
    definition behind and the next run restores it.
    """

    name = models.CharField(max_length=63, unique=True)
    table = models.CharField(max_length=63)
    definition = models.TextField()
    dropped_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"
