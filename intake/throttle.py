"""
The per-host rate limit: requests to one host start at least
FETCH_HOST_INTERVAL seconds apart, across every worker on every machine. A
request reserves the host's next free slot in the database (one statement,
committed at once) and waits for it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

RESERVE = """
INSERT INTO intake_hostslot AS slot (host, next_at)
VALUES (%(host)s, clock_timestamp() + make_interval(secs => %(interval)s))
ON CONFLICT (host) DO UPDATE
SET next_at = GREATEST(slot.next_at, clock_timestamp())
    + make_interval(secs => %(interval)s)
RETURNING extract(epoch FROM slot.next_at - clock_timestamp()) - %(interval)s
"""


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()[:255]
    except ValueError:
        return ""


def reserve(url: str) -> float:
    """
    Reserve the next slot for a request to `url`'s host: the seconds to wait
    before making it (0 when the host is free). Called outside a
    transaction, so that other workers see the reservation at once.
    """
    host = host_of(url)
    interval = float(settings.FETCH_HOST_INTERVAL)
    if not host or interval <= 0:
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(RESERVE, {"host": host, "interval": interval})
        (wait,) = cursor.fetchone()
    return max(0.0, float(wait))
