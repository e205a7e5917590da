"""
`/health/`: whether this process can reach its database, for container and
load balancer probes. One `SELECT 1`, no template, session or sign-in.

`python -m tracker.health [PORT]` is the probe the image and the compose file
run inside the container: it exits 0 when the server on 127.0.0.1:PORT (default
8000) answers `/health/` with 200, and 1 otherwise. It waits at most
HEALTH_PROBE_TIMEOUT seconds (default 5) for the answer.
"""

import http.client
import logging
import os
import sys
from collections.abc import Sequence

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker.replicas import read_connection

PATH = "/health/"
DEFAULT_PROBE_TIMEOUT = 5.0

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """
    200 when the database answers `SELECT 1`, 503 when it cannot be reached.
    With replicas, the database is the one this request reads from: a
    server whose primary is away still answers reads, so it stays in service.
    """
    try:
        with read_connection().cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The answer says no more than "unavailable": the error names the
        # database server, which is for the log, not for any client.
        logger.warning("Health check: the database is unreachable: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def probe_host(allowed_hosts: Sequence[str]) -> str:
    """
    A Host header the settings accept: Django refuses any other with 400
    before the view runs, and a probe from inside the container has no public
    name of its own to send.
    """
    for host in allowed_hosts:
        if host and host != "*":
            # ".example.org" allows example.org and its subdomains.
            return host.lstrip(".")
    return "localhost"


def probe(port: int = 8000) -> int:
    """0 when the server on 127.0.0.1:`port` answers PATH with 200, else 1."""
    from django.conf import settings

    timeout = float(os.environ.get("HEALTH_PROBE_TIMEOUT") or DEFAULT_PROBE_TIMEOUT)
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        # Plain HTTP: the settings exempt PATH from the HTTPS redirect.
        client.request(
            "GET", PATH, headers={"Host": probe_host(settings.ALLOWED_HOSTS)}
        )
        status = client.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        print(f"health: no answer from 127.0.0.1:{port}: {error}", file=sys.stderr)
        return 1
    finally:
        client.close()
    if status != 200:
        print(f"health: {PATH} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.exit(probe(int(sys.argv[1]) if len(sys.argv) > 1 else 8000))
