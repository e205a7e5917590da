"""
What the intake jobs do (intake/tasks.py runs them): poll a source, take an
item it listed (fetch, extract, filter, deduplicate, store), compute an
article's suggestions, and schedule what is due. Each step records what went
wrong on the source or the item and returns; an article is stored whole, in
one transaction with its fingerprint and the next job, or not at all.
"""

import datetime
import functools
import hashlib
import logging
import re
import time
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import MultiPoint, Point
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from events import extract
from events.extract import suggest_safely
from events.fetch import FEED_TYPES, FetchError, fetch
from events.intake import clean_text
from events.models import Actor, Location, SourceArticle, content_hash
from events.queries import lock_until_commit
from intake import dedup, feeds, pages, queue, throttle
from intake.canonical import canonical_url
from intake.models import Fingerprint, Item, Source, StoredSuggestions

logger = logging.getLogger(__name__)

FEED_ACCEPT = {
    Source.Kind.RSS: "application/rss+xml, application/xml;q=0.9, */*;q=0.1",
    Source.Kind.ATOM: "application/atom+xml, application/xml;q=0.9, */*;q=0.1",
    Source.Kind.JSON_FEED: "application/feed+json, application/json;q=0.9, */*;q=0.1",
    Source.Kind.SITEMAP: "application/xml, text/xml;q=0.9, */*;q=0.1",
}
FEED_MAX_BYTES = 10_000_000
# New items taken from one poll, newest first: a sitemap may list a whole
# archive, which is not news.
MAX_NEW_ITEMS = 200
# A job waits this long for its host's slot; a later slot is kept and the
# job scheduled for it instead.
MAX_SLEEP_SECONDS = 3.0
# Articles that came in by hand, fingerprinted by each scheduling round.
FINGERPRINTS_PER_ROUND = 500
# One dedup decision at a time, across workers: two reprints taken at once
# must not both become originals.
DEDUP_LOCK = 0x7A616772_6F730001  # "zagros" and 1


# --- scheduling -------------------------------------------------------------------


def schedule(now: datetime.datetime) -> int:
    """Queue a poll of every source that is due; the number queued."""
    queued = 0
    with transaction.atomic():
        for source_id in Source.objects.due(now).values_list("pk", flat=True):
            queued += queue.defer_poll(source_id)
    fingerprint_missing()
    return queued


def poll_all() -> int:
    """Queue a poll of every active source now, due or not."""
    with transaction.atomic():
        ids = Source.objects.filter(active=True).values_list("pk", flat=True)
        return sum(queue.defer_poll(pk) for pk in ids)


def fingerprint_missing() -> None:
    """Fingerprints for articles added by hand (or edited) since the last round."""
    stale = SourceArticle.objects.filter(fingerprint__isnull=True).only(
        "id", "body", "content_hash"
    )
    for article in stale[:FINGERPRINTS_PER_ROUND]:
        store_fingerprint(article, dedup.Signature.of(article.body))
    edited = SourceArticle.objects.exclude(
        fingerprint__content_hash=F("content_hash")
    ).filter(updated_at__gte=timezone.now() - datetime.timedelta(hours=1))
    for article in edited.only("id", "body", "content_hash")[:FINGERPRINTS_PER_ROUND]:
        store_fingerprint(article, dedup.Signature.of(article.body))


def store_fingerprint(article: SourceArticle, signature: dedup.Signature) -> None:
    Fingerprint.objects.update_or_create(
        article=article,
        defaults={
            "content_hash": article.content_hash,
            "minhash": signature.minhash,
            "bands": signature.bands,
            "computed_at": timezone.now(),
        },
    )


# --- polling a source -------------------------------------------------------------


def wait_for_host(url: str) -> None:
    wait = throttle.reserve(url)
    if wait > 0:
        time.sleep(wait)
    throttle.start(url)


def poll(source_id: int) -> str:
    """Poll one source: its new items stored and queued. Says what happened."""
    source = Source.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return "no such active source"
    started = timezone.now()
    try:
        wait_for_host(source.url)
        page = fetch(
            source.url,
            timeout=settings.FETCH_TIMEOUT,
            max_bytes=FEED_MAX_BYTES,
            accept=FEED_ACCEPT[source.kind],
            types=FEED_TYPES,
            etag=source.etag,
            last_modified=source.last_modified,
        )
        if page.status == 304:
            document = None
        else:
            document = feeds.parse(page, kind=source.kind)
            entries = document.entries + sitemap_children(document, source.kind)
    except (FetchError, feeds.FeedError) as exc:
        source.failed(started, str(exc))
        save_polling(source)
        logger.warning("Poll of source %s failed: %s", source.pk, exc)
        return f"failed: {exc}"
    if document is None:
        source.polled(started)
        save_polling(source)
        return "unchanged (304)"
    with transaction.atomic():
        new = store_items(source, entries)
        queue.defer_takes([item.pk for item in new])
        source.etag, source.last_modified = page.etag, page.last_modified
        source.polled(started)
        save_polling(source, "etag", "last_modified")
        source.count(items_seen=len(new))
    return f"{len(entries)} entries, {len(new)} new"


def sitemap_children(document: feeds.Document, kind: str) -> list[feeds.Entry]:
    """The entries of a sitemap index's most recent sitemaps, read now."""
    entries = []
    for url in document.sitemaps:
        wait_for_host(url)
        page = fetch(
            url,
            timeout=settings.FETCH_TIMEOUT,
            max_bytes=FEED_MAX_BYTES,
            accept=FEED_ACCEPT[Source.Kind.SITEMAP],
            types=FEED_TYPES,
        )
        entries += feeds.parse(page, kind=kind).entries
    return entries


POLLING_FIELDS = ["last_polled_at", "last_success_at", "failures", "last_error"]


def save_polling(source: Source, *more: str) -> None:
    source.save(update_fields=[*POLLING_FIELDS, "next_poll_at", *more])


def store_items(source: Source, entries: list[feeds.Entry]) -> list[Item]:
    """Items for the entries not seen before, newest first, up to MAX_NEW_ITEMS."""
    by_key: dict[str, feeds.Entry] = {}
    for entry in entries:
        by_key.setdefault(entry.key_hash, entry)
    known = set(
        Item.objects.filter(source=source, key__in=list(by_key)).values_list(
            "key", flat=True
        )
    )
    fresh = [(key, entry) for key, entry in by_key.items() if key not in known]
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    fresh.sort(key=lambda pair: pair[1].published_at or epoch, reverse=True)
    return Item.objects.bulk_create(
        [
            Item(
                source=source,
                key=key,
                url=entry.url,
                title=entry.title,
                published_at=entry.published_at,
                author=entry.author,
                language=entry.language,
                publisher=entry.publisher,
                feed_text=entry.text if entry.has_full_text else "",
            )
            for key, entry in fresh[:MAX_NEW_ITEMS]
        ]
    )


# --- taking an item ---------------------------------------------------------------


def take(item_id: int, *, slot_reserved: bool = False) -> str:
    """
    Make an item an article: its text from the feed or its page, kept if it
    passes the source's keywords and region, then stored as new, or as a
    duplicate of the article it repeats. Says what happened.
    """
    item = Item.objects.select_related("source").filter(pk=item_id).first()
    if item is None or item.state != Item.State.NEW:
        return "nothing to take"
    source = item.source
    address = canonical_url(item.url)
    held = SourceArticle.objects.filter(url=address).first()
    if held is not None:
        return settle(item, Item.State.DUPLICATE, held, "The same address.")
    if item.feed_text:
        found = article_from_feed(item, address)
    else:
        if not slot_reserved:
            wait = throttle.reserve(item.url)
            if wait > MAX_SLEEP_SECONDS:
                queue.defer_take_at(
                    item.pk, timezone.now() + datetime.timedelta(seconds=wait)
                )
                return f"waiting {wait:.1f}s for its host"
            time.sleep(wait)
        try:
            found = pages.read(item.url, starting=lambda: throttle.start(item.url))
        except (FetchError, pages.NoText) as exc:
            return settle(item, Item.State.FAILED, None, str(exc))
        found = article_from_page(item, found)
    if not found.body:
        return settle(item, Item.State.FAILED, None, "No article text.")
    if not mentions_keywords(source, f"{found.title}\n{found.body}"):
        return settle(item, Item.State.SKIPPED, None, "None of the keywords.")
    suggestions = None
    if source.region_id is not None:
        suggestions = suggest_safely(found.body, published=found.published_on)
        # An article the assistant failed on is kept: its region is unknown.
        if not suggestions.get("failed") and not mentions_region(
            source.region_id, suggestions
        ):
            return settle(item, Item.State.SKIPPED, None, "No place in the region.")
    signature = dedup.Signature.of(found.body)
    return store_article(item, found, signature, suggestions)


def article_from_feed(item: Item, address: str) -> pages.PageArticle:
    body = with_headline(item.title, clean_text(item.feed_text))
    return pages.PageArticle(
        url=address,
        title=item.title,
        body=body,
        author=item.author,
        publisher=item.publisher or item.source.name,
        published_on=item.published_at.date() if item.published_at else None,
        language=item.language or item.source.language or pages.script_language(body),
    )


def with_headline(title: str, body: str) -> str:
    """
    A feed's full text (content:encoded) as a page's article or pasted text
    has it: the item's headline first, then the paragraphs, apart by a blank
    line. A text that opens with the item's headline already is left as it
    is: the same words, either of them perhaps with the outlet's name set
    off after it ("Border pact signed - Rudaw"). Any other first line is the
    story's: a standfirst, a lede that begins with the headline's words, a
    byline ("Lina Haddad"), an outlet's name or a dateline on a line of its
    own.
    """
    title = clean_text(title)
    if not title or not body:
        return body
    if _headline_words(body.split("\n", 1)[0]) == _headline_words(title):
        return body
    return f"{title}\n\n{body}"


# An outlet's name set off after a headline: "… - Rudaw", "… | Reuters".
OUTLET_AFTER = re.compile(r"\s+[-–—|:·]\s+(?:\w[\w.’']*\s*){1,4}$")


def _headline_words(line: str) -> list[str]:
    """A headline's words, folded, without an outlet's name after it."""
    return re.findall(r"\w+", OUTLET_AFTER.sub("", line.strip()).casefold())


def article_from_page(item: Item, page: pages.PageArticle) -> pages.PageArticle:
    """The page's metadata, the feed's where the page gives none."""
    feed_date = item.published_at.date() if item.published_at else None
    return pages.PageArticle(
        url=page.url,
        title=item.title or page.title,
        body=page.body,
        author=page.author or item.author,
        publisher=page.publisher or item.publisher or item.source.name,
        published_on=page.published_on or feed_date,
        language=page.language or item.language or item.source.language,
    )


def mentions_keywords(source: Source, text: str) -> bool:
    if not source.keywords:
        return True
    folded = text.casefold()
    return any(
        re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", folded)
        for word in source.keywords
    )


def mentions_region(region_id: int, found: dict) -> bool:
    """Whether a place the text names is the region, or lies in it."""
    if any(place.get("location_id") == region_id for place in found["places"]):
        return True
    points = [
        Point(place["lon"], place["lat"], srid=4326)
        for place in found["places"]
        if place.get("lon") is not None and place.get("lat") is not None
    ]
    if not points:
        return False
    return Location.objects.filter(
        pk=region_id, geometry__intersects=MultiPoint(points, srid=4326)
    ).exists()


def store_article(
    item: Item,
    found: pages.PageArticle,
    signature: dedup.Signature,
    suggestions: dict | None,
) -> str:
    """
    The article stored, as new or as the duplicate of the article first held
    of its story, with its fingerprint, its suggestions or the job computing
    them, and the item settled: all in one transaction, one decision at a
    time across workers.
    """
    with transaction.atomic():
        lock_until_commit(DEDUP_LOCK)
        held = SourceArticle.objects.filter(url=found.url).first()
        if held is not None:
            return settle(item, Item.State.DUPLICATE, held, "The same address.")
        original, score, why = None, None, ""
        same_text = (
            SourceArticle.objects.filter(content_hash=content_hash(found.body))
            .order_by("pk")
            .first()
        )
        if same_text is not None:
            original, score, why = same_text, 1.0, "The same text."
        else:
            near = dedup.near_duplicate_of(found.body, signature)
            if near is not None:
                original, score = near
                why = f"A near-duplicate ({score:.0%} of its shingles shared)."
        if original is not None and original.duplicate_of_id is not None:
            original = original.duplicate_of
        article = SourceArticle.objects.create(
            url=found.url,
            title=(found.title or first_line(found.body))[:500],
            publisher=found.publisher[:200],
            author=found.author[:200],
            published_on=found.published_on,
            language=found.language or "en",
            body=found.body,
            source=item.source,
            duplicate_of=original,
        )
        store_fingerprint(article, signature)
        if original is not None:
            settle(item, Item.State.DUPLICATE, article, why, score)
            return f"duplicate of article {original.pk}: {why}"
        if suggestions is not None:
            save_suggestions(article, suggestions, seconds=0.0)
        else:
            queue.defer_suggestions(article.pk)
        settle(item, Item.State.ADDED, article, "")
        return f"added as article {article.pk}"


def first_line(body: str) -> str:
    return body.split("\n", 1)[0][:200]


COUNTERS = {
    Item.State.ADDED: "articles_added",
    Item.State.DUPLICATE: "duplicates_found",
    Item.State.SKIPPED: "items_skipped",
    Item.State.FAILED: "items_failed",
}


def settle(
    item: Item,
    state: str,
    article: SourceArticle | None,
    note: str,
    similarity: float | None = None,
) -> str:
    """Record what became of the item, and count it on its source."""
    with transaction.atomic():
        item.state = state
        item.article = article
        item.note = note[:2000]
        item.similarity = similarity
        item.feed_text = ""
        item.attempts += 1
        item.taken_at = timezone.now()
        item.save()
        item.source.count(**{COUNTERS[state]: 1})
    return f"{state}: {note}" if note else state


# --- suggestions ------------------------------------------------------------------


@functools.cache
def engine_version() -> str:
    """
    The suggestion engine's version: a hash of its code, so that suggestions
    stored before its rules changed are computed again when asked for.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(extract.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def suggestions_of(article: SourceArticle) -> dict:
    """The article's suggestions: those stored when current, else computed now
    (and stored)."""
    stored = StoredSuggestions.objects.filter(article=article).first()
    if stored is not None and stored.is_current(article, engine_version()):
        return stored.found
    return store_suggestions(article).found


def suggest_for(article_id: int) -> str:
    article = SourceArticle.objects.filter(pk=article_id).first()
    if article is None:
        return "no such article"
    stored = store_suggestions(article)
    return f"{len(stored.found['events'])} proposed events"


def store_suggestions(article: SourceArticle) -> StoredSuggestions:
    """The engine's findings for the article's text as it is now, stored."""
    started = time.perf_counter()
    found = suggest_safely(article.body, published=article.published_on)
    return save_suggestions(article, found, seconds=time.perf_counter() - started)


def save_suggestions(
    article: SourceArticle, found: dict, *, seconds: float
) -> StoredSuggestions:
    actor_ids = sorted(
        {a["actor_id"] for a in found["actors"] if a.get("actor_id") is not None}
    )
    place_ids = sorted(
        {p["location_id"] for p in found["places"] if p.get("location_id") is not None}
    )
    stored, _ = StoredSuggestions.objects.update_or_create(
        article=article,
        defaults={
            "found": found,
            "content_hash": article.content_hash,
            "published_on": article.published_on,
            # A failure of the engine is kept as no engine's answer, so the
            # next reader computes it again rather than serving it for good.
            "engine": "" if found.get("failed") else engine_version(),
            "actor_ids": actor_ids,
            "place_ids": place_ids,
            "actors": first_mentions(found["actors"], "actor_id"),
            "places": first_mentions(found["places"], "location_id"),
            "countries": countries(found, actor_ids),
            "computed_at": timezone.now(),
            "seconds": seconds,
        },
    )
    return stored


def first_mentions(mentions: list[dict], key: str, limit: int = 20) -> list[dict]:
    """Distinct names with their ids, in the order the text first mentions them."""
    found: dict[str, int | None] = {}
    for mention in mentions:
        if mention.get("name"):
            found.setdefault(str(mention["name"])[:200], mention.get(key))
    return [{"id": pk, "name": name} for name, pk in list(found.items())[:limit]]


def countries(found: dict, actor_ids: list[int]) -> list[str]:
    """
    The countries an article is about: those its places lie in, and those
    of the actors it names (ISO 3166-1 alpha-3).
    """
    points = [
        Point(place["lon"], place["lat"], srid=4326)
        for place in found["places"]
        if place.get("lon") is not None and place.get("lat") is not None
    ]
    codes = set()
    if points:
        codes |= set(
            Location.objects.filter(
                kind=Location.Kind.COUNTRY,
                geometry__intersects=MultiPoint(points, srid=4326),
            ).values_list("code", flat=True)
        )
    if actor_ids:
        codes |= set(
            Actor.objects.filter(pk__in=actor_ids)
            .exclude(country="")
            .values_list("country", flat=True)
        )
    return sorted(code for code in codes if code and len(code) == 3)
