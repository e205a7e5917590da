"""
Near-duplicate texts: the same story reprinted with a new headline, a
dateline, a credit line, a paragraph cut or a copy editor's changes. A text
is cut into overlapping three-word shingles; two texts are the same story
when their shingle sets overlap by NEAR_DUPLICATE (Jaccard similarity) or
more, and the shorter's names and numbers are nearly all in the other.
Measured on tests/data/intake/ (tests/test_intake_dedup.py): reprints score
0.52 (heavily copy-edited) to 0.94, a follow-up story that reuses two
background paragraphs 0.21, other stories on the same topic 0.02 at most;
two briefs written to one template score 0.6 but name other places, days
and figures.

Finding such a text among half a million is MinHash with banding: each text
keeps NUM_HASHES minimum hash values, grouped in BANDS bands of ROWS; texts
sharing a whole band are candidates (a GIN index on the bands finds them),
and each candidate's similarity is then computed exactly from its text.
With 30 bands of 3, a pair at similarity 0.4 becomes a candidate with
probability 1 - (1 - 0.4³)³⁰ ≈ 0.86, at 0.5 with 0.98, at 0.6 with 0.9996,
and an unrelated pair (0.02) with 0.0002.
"""

import hashlib
import random
import re
import struct
import unicodedata
from dataclasses import dataclass

from django.db.models.expressions import RawSQL

from events.models import SourceArticle

SHINGLE_WORDS = 3
BANDS = 30
ROWS = 3
NUM_HASHES = BANDS * ROWS
NEAR_DUPLICATE = 0.4
# Candidates verified against their text, those sharing most bands first.
MAX_CANDIDATES = 20
# Of the names and numbers of the shorter text, the share the other must
# hold: a reprint keeps its places, people and figures; two briefs written
# to one template ("Protesters gathered outside the offices of … in …")
# share most of their shingles but not those.
SAME_SPECIFICS = 0.9
# Below this many names and numbers in either text, they are not compared.
MIN_SPECIFICS = 4
# Below this many shingles a text is too short to tell a reprint from a
# shared phrase: it is matched by its exact text only.
MIN_SHINGLES = 12
# Mersenne prime 2^61 - 1: the hash family (a·x + b) mod P over 61 bits.
PRIME = (1 << 61) - 1
_seeded = random.Random(20240517)  # fixed: stored values must stay comparable
PERMUTATIONS = [
    (_seeded.randrange(1, PRIME), _seeded.randrange(0, PRIME))
    for _ in range(NUM_HASHES)
]
WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Words as compared: NFKC, case-folded, punctuation and digits' form aside."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str) -> set[int]:
    """The text's three-word shingles, each as a 61-bit hash."""
    tokens = words(text)
    pieces = [
        " ".join(tokens[i : i + SHINGLE_WORDS])
        for i in range(max(len(tokens) - SHINGLE_WORDS + 1, 1 if tokens else 0))
    ]
    return {
        int.from_bytes(hashlib.blake2b(piece.encode(), digest_size=8).digest()) % PRIME
        for piece in pieces
    }


def signed(value: int) -> int:
    """An unsigned 64-bit value as PostgreSQL's bigint holds it."""
    return struct.unpack(">q", struct.pack(">Q", value))[0]


@dataclass(frozen=True)
class Signature:
    minhash: list[int]
    bands: list[int]  # empty for a text too short to match by shingles

    @classmethod
    def of(cls, text: str) -> "Signature":
        hashed = shingles(text)
        if len(hashed) < MIN_SHINGLES:
            return cls([], [])
        minhash = [min((a * x + b) % PRIME for x in hashed) for a, b in PERMUTATIONS]
        bands = []
        for band in range(BANDS):
            rows = minhash[band * ROWS : (band + 1) * ROWS]
            digest = hashlib.blake2b(
                struct.pack(f">H{ROWS}Q", band, *rows), digest_size=8
            ).digest()
            bands.append(signed(int.from_bytes(digest, "big")))
        return cls([signed(value) for value in minhash], bands)


def specifics(text: str) -> set[str]:
    """The words that name or count: capitalised ones and numbers."""
    return {
        word.casefold()
        for word in WORD.findall(unicodedata.normalize("NFKC", text))
        if word[0].isupper() or word[0].isdigit()
    }


def same_specifics(first: str, second: str) -> bool:
    """Whether the shorter text's names and numbers are, nearly all, the other's."""
    mine, theirs = specifics(first), specifics(second)
    if min(len(mine), len(theirs)) < MIN_SPECIFICS:
        return True  # a script without capitals, or too few to tell
    shared = len(mine & theirs) / min(len(mine), len(theirs))
    return shared >= SAME_SPECIFICS


def similarity(first: set[int], second: set[int]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def near_duplicate_of(
    text: str, signature: Signature, *, exclude: int | None = None
) -> tuple[SourceArticle, float] | None:
    """
    The article already held whose text is the same story as `text`, with
    their similarity: the most similar at NEAR_DUPLICATE or above, or None.
    """
    if not signature.bands:
        return None
    candidates = (
        SourceArticle.objects.filter(fingerprint__bands__overlap=signature.bands)
        .annotate(
            shared=RawSQL(
                "SELECT count(*) FROM unnest(intake_fingerprint.bands) AS band "
                "WHERE band = ANY(%s)",
                [signature.bands],
            )
        )
        .only("id", "body", "duplicate_of")
        .order_by("-shared", "-id")
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    mine = shingles(text)
    best: tuple[SourceArticle, float] | None = None
    for candidate in candidates[:MAX_CANDIDATES]:
        score = similarity(mine, shingles(candidate.body))
        if score < NEAR_DUPLICATE or (best is not None and score <= best[1]):
            continue
        if same_specifics(text, candidate.body):
            best = (candidate, score)
    return best
