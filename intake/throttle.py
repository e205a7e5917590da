"""
The per-host rate limit: requests to one host start at least
FETCH_HOST_INTERVAL seconds apart, across every worker on every machine. A
request reserves the host's next free slot in the database (one statement,
committed at once) and waits for it; then, as it starts, it marks the host
started, waiting longer if the request before it started late (its worker
woken late, a deferred job taken late), so that the interval holds between
the requests themselves and not only between their slots.
"""

import time
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

# Marks the host started unless a request to it started less than the
# interval ago: whether it did, and else the seconds still to wait. A host
# never reserved (no row) has nothing to wait for. When another worker marks
# the host at the same moment, this statement's snapshot may still show the
# mark before, and the wait read from it is too short: only the update says
# whether this request may start.
START = """
WITH started AS (
    UPDATE intake_hostslot
    SET started_at = clock_timestamp()
    WHERE host = %(host)s
      AND (started_at IS NULL
           OR started_at <= clock_timestamp() - make_interval(secs => %(interval)s))
    RETURNING host
)
SELECT EXISTS (SELECT FROM started) OR count(*) = 0,
    coalesce(extract(epoch FROM max(started_at)
        + make_interval(secs => %(interval)s) - clock_timestamp()), 0)
FROM intake_hostslot
WHERE host = %(host)s
"""


# The least wait before asking again, when the wait read was too short.
RETRY_SECONDS = 0.005


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


def start(url: str) -> None:
    """
    Called as a request to `url` starts, once its slot has come: returns
    when no other request to the host has started within the interval, the
    host marked started by this one.
    """
    host = host_of(url)
    interval = float(settings.FETCH_HOST_INTERVAL)
    if not host or interval <= 0:
        return
    while True:
        with connection.cursor() as cursor:
            cursor.execute(START, {"host": host, "interval": interval})
            started, wait = cursor.fetchone()
        if started:
            return
        time.sleep(min(max(float(wait), RETRY_SECONDS), interval))
