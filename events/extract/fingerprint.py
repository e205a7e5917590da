"""
A cheap summary of a table, computed in PostgreSQL, telling a name index
built from that table in Python whether it is stale.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import BigIntegerField, CharField, Count, Func, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat


def fingerprint(model: type[models.Model], *fields: str) -> tuple[int, int]:
    """
    The row count and a sum of hashes of each row's id and `fields`: it
    changes with any insert, delete or edit of those fields, including a
    QuerySet.update() that leaves updated_at alone.
    """
    parts: list = [Cast("pk", CharField())]
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, ArrayField):
            value = Func(
                name, Value("|"), function="array_to_string", output_field=CharField()
            )
        else:
            value = Cast(name, CharField())
        parts += [Value("|"), Coalesce(value, Value(""))]
    row_text = Concat(*parts, output_field=CharField())
    row = model._default_manager.aggregate(
        count=Count("pk"),
        checksum=Sum(
            Func(row_text, function="hashtext", output_field=BigIntegerField())
        ),
    )
    return row["count"], row["checksum"] or 0
