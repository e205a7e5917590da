"""
The intake jobs on procrastinate's queue. Each is a thin wrapper of
intake/polling.py that turns an unexpected error into a record on the
source or the item: one bad feed or page never stops the worker.
"""

import datetime
import logging

from django.utils import timezone
from procrastinate.contrib.django import app

from intake import polling
from intake.models import Item, Source
from intake.queue import QUEUE

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="schedule")
@app.task(name="intake.schedule_polls", queue=QUEUE, queueing_lock="schedule")
def schedule_polls(timestamp: int) -> None:
    """Every minute: queue the polls that are due."""
    now = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    queued = polling.schedule(max(now, timezone.now()))
    if queued:
        logger.info("Queued %d polls.", queued)


@app.periodic(cron="* * * * *", periodic_id="stalled")
@app.task(name="intake.retry_stalled_jobs", queue=QUEUE, queueing_lock="stalled")
async def retry_stalled_jobs(timestamp: int) -> None:
    """
    Every minute: jobs left running by a worker that stopped sending its
    heartbeat (killed, its machine gone) are handed back to the queue.
    """
    for job in await app.job_manager.get_stalled_jobs(queue=QUEUE):
        logger.warning("Job %s was left running by a lost worker; retrying it.", job.id)
        await app.job_manager.retry_job(job)


@app.task(name="intake.poll_source", queue=QUEUE)
def poll_source(source_id: int) -> None:
    try:
        outcome = polling.poll(source_id)
    except Exception as exc:
        logger.exception("Poll of source %s broke off", source_id)
        source = Source.objects.filter(pk=source_id).first()
        if source is not None:
            source.failed(timezone.now(), f"Unexpected error: {exc!r}")
            polling.save_polling(source)
        return
    logger.info("Source %s: %s", source_id, outcome)


@app.task(name="intake.take_item", queue=QUEUE)
def take_item(item_id: int, slot_reserved: bool = False) -> None:
    try:
        outcome = polling.take(item_id, slot_reserved=slot_reserved)
    except Exception as exc:
        logger.exception("Item %s broke off", item_id)
        item = Item.objects.select_related("source").filter(pk=item_id).first()
        if item is not None and item.state == Item.State.NEW:
            polling.settle(item, Item.State.FAILED, None, f"Unexpected error: {exc!r}")
        return
    logger.info("Item %s: %s", item_id, outcome)


@app.task(name="intake.suggest_article", queue=QUEUE)
def suggest_article(article_id: int) -> None:
    logger.info("Article %s: %s", article_id, polling.suggest_for(article_id))
