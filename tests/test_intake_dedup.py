"""
Near-duplicate detection measured on written reprints: wire stories under a
new headline with a credit line, trimmed, copy-edited or reordered, in
English and Persian, against stories that only share their topic (another
outlet's own report, an analysis, a follow-up reusing background
paragraphs). tests/data/intake/pairs.csv says which pairs are one story.
The suite prints precision, recall and timing, and fails below 1.0.
"""

import csv
import time
from pathlib import Path

import pytest

from events.models import SourceArticle
from intake import dedup, polling
from intake.canonical import canonical_url

DATA = Path(__file__).parent / "data" / "intake"
PAIRS = list(csv.DictReader((DATA / "pairs.csv").open(encoding="utf-8")))


def text(name: str) -> str:
    return (DATA / "stories" / name).read_text(encoding="utf-8")


def judged(first: str, second: str) -> tuple[bool, float]:
    """The pair as intake judges it: a candidate by its bands, then the same
    story by the similarity of its texts."""
    a, b = text(first), text(second)
    bands = set(dedup.Signature.of(a).bands) & set(dedup.Signature.of(b).bands)
    score = dedup.similarity(dedup.shingles(a), dedup.shingles(b))
    same = bool(bands) and score >= dedup.NEAR_DUPLICATE and dedup.same_specifics(a, b)
    return same, score


def test_reprints_are_caught_and_stories_on_the_same_topic_are_not() -> None:
    outcomes = []
    started = time.perf_counter()
    for pair in PAIRS:
        same, score = judged(pair["first"], pair["second"])
        outcomes.append((pair["same_story"] == "yes", same, score))
    seconds = time.perf_counter() - started
    true_positive = sum(1 for truth, found, _ in outcomes if truth and found)
    found = sum(1 for _, found, _ in outcomes if found)
    truth = sum(1 for truth, _, _ in outcomes if truth)
    precision = true_positive / found if found else 0.0
    recall = true_positive / truth
    lowest_reprint = min(score for truth, _, score in outcomes if truth)
    # Briefs written to one template share their shingles, not their specifics.
    highest_other = max(
        score
        for (truth, _, score), pair in zip(outcomes, PAIRS, strict=True)
        if not truth and not pair["first"].startswith("brief-")
    )
    template = max(
        score
        for (truth, _, score), pair in zip(outcomes, PAIRS, strict=True)
        if not truth and pair["first"].startswith("brief-")
    )
    print(
        f"\nNear-duplicates: {len(PAIRS)} pairs ({truth} reprints), precision "
        f"{precision:.2f}, recall {recall:.2f}; similarity of reprints from "
        f"{lowest_reprint:.2f}, of other stories up to {highest_other:.2f}, "
        f"of briefs written to one template {template:.2f}; "
        f"{seconds / len(PAIRS) * 1000:.1f} ms a pair (two signatures, one "
        "exact similarity)"
    )
    assert (precision, recall) == (1.0, 1.0)
    assert lowest_reprint >= dedup.NEAR_DUPLICATE > highest_other
    # Only their names and numbers tell two briefs of one template apart.
    assert template >= dedup.NEAR_DUPLICATE


@pytest.mark.django_db
def test_the_index_finds_the_original_of_a_reprint_among_the_articles_held() -> None:
    stored = {}
    for name in ["strikes-wire.txt", "border-deal-wire.txt", "trade-crossing.txt"]:
        article = SourceArticle.objects.create(
            title=name, body=text(name), url=f"https://example.org/{name}"
        )
        polling.store_fingerprint(article, dedup.Signature.of(article.body))
        stored[name] = article
    reprint = text("strikes-reprint.txt")

    found = dedup.near_duplicate_of(reprint, dedup.Signature.of(reprint))
    other = text("strikes-own-report.txt")
    unrelated = dedup.near_duplicate_of(other, dedup.Signature.of(other))

    assert found is not None and found[0] == stored["strikes-wire.txt"]
    assert 0.8 < found[1] < 1
    assert unrelated is None
    # Too short to judge by shingles: only the exact text would match.
    assert dedup.Signature.of("Officials met in Baghdad.").bands == []


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://Example.ORG:443/news/story?utm_source=rss&utm_medium=feed&id=7"
            "&fbclid=abc&gclid=x#comments",
            "https://example.org/news/story?id=7",
        ),
        ("https://example.org/amp/news/story", "https://example.org/news/story"),
        ("https://example.org/news/story/amp/", "https://example.org/news/story/"),
        ("https://amp.example.org/news/story", "https://example.org/news/story"),
        (
            "https://example.org/news/story.amp.html",
            "https://example.org/news/story.html",
        ),
        (
            "https://example.org/news/story?outputType=amp",
            "https://example.org/news/story",
        ),
        ("http://example.org:8080/a?b=2&a=1", "http://example.org:8080/a?b=2&a=1"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/lamp/amplifier", "https://example.org/lamp/amplifier"),
        ("ftp://example.org/file", "ftp://example.org/file"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_urls_drop_what_does_not_name_the_page(
    url: str, canonical: str
) -> None:
    assert canonical_url(url) == canonical
