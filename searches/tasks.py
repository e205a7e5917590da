"""
The saved searches' jobs, on the intake queue (intake/queue.py): matching
new events (queued when events are published, and every minute in case a
publication came by another path), webhooks with retries, mail digests.
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from procrastinate import JobContext, RetryDecision
from procrastinate.contrib.django import app
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy

from intake.queue import QUEUE
from searches import alerts

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="searches-match")
@app.task(
    name="searches.match",
    queue=QUEUE,
    lock="searches-match",
    queueing_lock="searches-match",
)
def match(timestamp: int | None = None) -> None:
    """Record each saved search's new matching events; queue their webhooks."""
    made = alerts.match()
    if made:
        logger.info("Saved searches: %d new matches.", made)


class WebhookRetry(BaseRetryStrategy):
    """
    A failed webhook is tried again WEBHOOK_BACKOFF seconds later, then twice
    as long each time, WEBHOOK_ATTEMPTS times in all (read when a job fails,
    so a worker's settings decide).
    """

    def get_retry_decision(
        self, *, exception: BaseException, job: Job
    ) -> RetryDecision | None:
        if not isinstance(exception, alerts.WebhookFailed):
            return None
        if job.attempts + 1 >= settings.WEBHOOK_ATTEMPTS:
            return None
        wait = alerts.retry_wait(job.attempts + 1)
        return RetryDecision(retry_at=timezone.now() + datetime.timedelta(seconds=wait))


@app.task(
    name="searches.send_webhook",
    queue=QUEUE,
    pass_context=True,
    retry=WebhookRetry(),
)
def send_webhook(context: JobContext, search_id: int) -> None:
    attempts = context.job.attempts if context.job else 0
    last = attempts + 1 >= settings.WEBHOOK_ATTEMPTS
    sent = alerts.send_webhook(search_id, last_attempt=last)
    if sent:
        logger.info("Search %s: %d events sent to its webhook.", search_id, sent)


@app.periodic(cron="0 * * * *", periodic_id="searches-digests")
@app.task(name="searches.send_digests", queue=QUEUE, queueing_lock="searches-digests")
def send_digests(timestamp: int) -> None:
    """Every hour: queue the digests that are due."""
    now = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    for search_id in alerts.digests_due(max(now, timezone.now())):
        alerts.defer_digest(search_id)


@app.task(name="searches.send_digest", queue=QUEUE)
def send_digest(search_id: int) -> None:
    count = alerts.send_digest(search_id)
    if count:
        logger.info("Search %s: a digest of %d events mailed.", search_id, count)
