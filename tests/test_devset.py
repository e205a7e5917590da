"""
The assistant's development set (tests/devset/): its annotations hold
together, its scoring counts what it says it counts, and the assistant
reaches the goals of issue #16 on it. The table of figures is printed at the
end of the run.
"""

import copy
import datetime
from collections.abc import Callable

import pytest

from tests.devset import score
from tests.devset.score import (
    GOALS,
    AnnotationError,
    ArticleScore,
    Period,
    Report,
    Resolver,
    Tally,
    normalise,
    parse_article,
)

pytestmark = pytest.mark.django_db

# A small article with its expectations, and what an assistant might suggest
# for it: every case the scoring tells apart, once.
TEXT = """Drone hits car near Penjwen; Iraq's minister meets two counterparts

PENJWEN — A drone struck a car near Penjwen on Sunday, killing two members of the KDPI, the party said. The KRG condemned the attack.

Iraq's Foreign Minister Fuad Hussein met Abbas Araghchi and Hakan Fidan separately in Baghdad on Monday.
"""  # noqa: E501
STRIKE = "A drone struck a car near Penjwen on Sunday"
CONDEMNED = "The KRG condemned the attack."
MEETINGS = "Iraq's Foreign Minister Fuad Hussein met Abbas Araghchi and Hakan Fidan"
EXPECTED = {
    "article": {"published_on": datetime.date(2024, 6, 11)},
    "actors": [
        {"name": "Democratic Party of Iranian Kurdistan", "kind": "political_party",
         "country": "IRN", "aliases": ["KDPI"]},
        {"name": "Kurdistan Regional Government", "kind": "government_body",
         "country": "IRQ"},
        {"name": "Fuad Hussein", "kind": "person", "country": "IRQ"},
        {"name": "Abbas Araghchi", "kind": "person", "country": "IRN"},
        {"name": "Hakan Fidan", "kind": "person", "country": "TUR"},
    ],
    "places": [
        {"name": "Penjwen", "country": "IRQ", "geonames": 98012},
        {"name": "Baghdad", "country": "IRQ", "geonames": 98182},
    ],
    "events": [
        {"type": "remote_violence", "date": datetime.date(2024, 6, 9),
         "precision": "day", "place": "Penjwen",
         "participants": [["Democratic Party of Iranian Kurdistan", "target"],
                          ["Kurdistan Regional Government", "mentioned"]],
         "quotes": [STRIKE, CONDEMNED]},
        {"type": "meeting", "date": datetime.date(2024, 6, 10), "precision": "day",
         "place": "Baghdad",
         "participants": [["Fuad Hussein", "participant"],
                          ["Abbas Araghchi", "participant"]],
         "quotes": [MEETINGS]},
        {"type": "meeting", "date": datetime.date(2024, 6, 10), "precision": "day",
         "place": "Baghdad",
         "participants": [["Fuad Hussein", "participant"],
                          ["Hakan Fidan", "participant"]],
         "quotes": [MEETINGS]},
    ],
}  # fmt: skip
KRG_ID, BAGHDAD_ID = 1, 65
# Penjwen as GeoNames names it, at its coordinates.
BAYNJIWAYN = {
    "name": "Baynjiwayn",
    "lat": 35.62054,
    "lon": 45.94908,
    "location_id": None,
}
BAGHDAD = {"name": "Baghdad", "lat": 33.34, "lon": 44.40, "location_id": BAGHDAD_ID}


def span(words: str) -> dict:
    start = TEXT.index(words)
    return {"start": start, "end": start + len(words)}


SUGGESTIONS = {
    "actors": [
        {"name": "KDPI", "actor_id": None},  # an alias of the party's
        {"name": "KRG", "actor_id": KRG_ID},  # stored, under its full name
        {"name": "Fuad Hussein", "actor_id": None},
        {"name": "Araghchi", "actor_id": None},  # half a name: not the person
        {"name": "Reuters", "actor_id": None},  # nobody the editor records
    ],
    "places": [
        BAYNJIWAYN,
        BAGHDAD,
        # Penjwen's name in another country is not Penjwen.
        {"name": "Penjwen", "lat": None, "lon": None, "location_id": None,
         "country": "IR"},
    ],
    "dates": [
        {"value": "2024-06-09", "precision": "day"},
        {"value": "2024-06", "precision": "month"},
        {"value": "2024-06-12", "precision": "week"},  # the week of 10 June
    ],
    "events": [
        # Right in every part: accepted.
        {**span(STRIKE), "event_type": "remote_violence",
         "date": {"value": "2024-06-09", "precision": "day"}, "place": BAYNJIWAYN,
         "actors": [{"name": "KDPI", "actor_id": None, "role": "target"},
                    {"name": "KRG", "actor_id": KRG_ID, "role": "mentioned"}]},
        # A reaction proposed on its own: its event is taken, so it is
        # discarded.
        {**span(CONDEMNED), "event_type": "statement",
         "date": {"value": "2024-06", "precision": "month"}, "place": None,
         "actors": [{"name": "KRG", "actor_id": KRG_ID, "role": "initiator"}]},
        # Two meetings in one sentence, the second proposal first: each goes to
        # the event it agrees with best.
        {**span(MEETINGS), "event_type": "meeting",
         "date": {"value": "2024-06-10", "precision": "day"}, "place": BAGHDAD,
         "actors": [{"name": "Fuad Hussein", "actor_id": None, "role": "participant"},
                    {"name": "Hakan Fidan", "actor_id": None,
                     "role": "participant"}]},
        # Paired, but "Araghchi" is nobody of the article's: changed.
        {**span(MEETINGS), "event_type": "meeting",
         "date": {"value": "2024-06-10", "precision": "day"}, "place": BAGHDAD,
         "actors": [{"name": "Fuad Hussein", "actor_id": None, "role": "participant"},
                    {"name": "Araghchi", "actor_id": None, "role": "participant"}]},
    ],
}  # fmt: skip


@pytest.fixture
def resolver() -> Resolver:
    stored_krg = frozenset({normalise("Kurdistan Regional Government")})
    return Resolver(
        actors={KRG_ID: stored_krg},
        locations={BAGHDAD_ID: ("Baghdad", "IRQ", 98182, "")},
        gazetteer=score.load_gazetteer(),
    )


def scored(suggestions: dict, resolver: Resolver) -> ArticleScore:
    article = parse_article("hand-made", TEXT, copy.deepcopy(EXPECTED))
    return score.score_article(article, suggestions, resolver)


def test_names_are_compared_without_case_accents_articles_or_possessives() -> None:
    assert normalise("Iraq’s Foreign Ministry") == normalise("Iraq's foreign ministry")
    assert normalise("U.S. forces") == normalise("US forces") == "us forces"
    assert normalise("Mohammed Shia al-Sudani") == "mohammed shia sudani"
    assert normalise("The Kurdistan Regional Government") == normalise(
        "Kurdistan Regional Government"
    )
    assert normalise("Doğubayazıt") == normalise("Dogubayazit")
    assert normalise("Iran") != normalise("Iraq")


def test_dates_compare_as_periods_at_their_precision() -> None:
    assert Period.parse("2024-06-12", "week") == Period.parse("2024-06-10", "week")
    assert Period.parse("2024-06", "month") == Period.parse(
        datetime.date(2024, 6, 30), "month"
    )
    assert Period.parse("2024-06-10", "day") != Period.parse("2024-06-10", "week")
    assert str(Period.parse(2023, "year")) == "2023"


def test_scoring_counts_what_was_found_and_what_was_right(resolver: Resolver) -> None:
    result = scored(SUGGESTIONS, resolver)

    # The party by its alias, the KRG through the stored actor, Fuad Hussein
    # and Hakan Fidan (named in a proposal only); not Abbas Araghchi.
    assert result.actors == Tally(expected=5, found=4, suggested=6, right=4)
    assert result.missed["actors"] == ["Abbas Araghchi"]
    # Penjwen by its GeoNames id, Baghdad by its name in Iraq; "Penjwen" in
    # Iran is suggested but wrong.
    assert result.places == Tally(expected=2, found=2, suggested=3, right=2)
    # 9 and 10 June as days; June and the week of 10 June are not the
    # editor's.
    assert result.dates == Tally(expected=2, found=2, suggested=4, right=2)
    assert (result.proposals, result.accepted) == (4, 2)
    assert (result.events, result.events_paired) == (3, 3)


def test_a_proposal_wrong_in_any_part_is_not_accepted(resolver: Resolver) -> None:
    right = copy.deepcopy(SUGGESTIONS)
    right["events"] = right["events"][:1]
    assert scored(right, resolver).accepted == 1

    changes = {
        "type": ("event_type", "battle"),
        "precision": ("date", {"value": "2024-06-09", "precision": "week"}),
        "date": ("date", {"value": "2024-06-08", "precision": "day"}),
        "end": ("date", {"value": "2024-06-09", "precision": "day",
                         "end": "2024-06-10"}),
        "place": ("place", BAGHDAD),
        "no place": ("place", None),
        "role": ("actors", [{"name": "KDPI", "actor_id": None, "role": "initiator"},
                            {"name": "KRG", "actor_id": KRG_ID,
                             "role": "mentioned"}]),
        "an actor missing": ("actors", [{"name": "KDPI", "actor_id": None,
                                         "role": "target"}]),
        "an actor more": ("actors", [*right["events"][0]["actors"],
                                     {"name": "Reuters", "actor_id": None,
                                      "role": "mentioned"}]),
    }  # fmt: skip
    # What an editor changes, as `--reasons` counts it.
    parts = {
        "type": "type", "precision": "date", "date": "date", "end": "date",
        "place": "place", "no place": "place", "role": "role",
        "an actor missing": "actor added", "an actor more": "actor removed",
    }  # fmt: skip
    article = parse_article("hand-made", TEXT, copy.deepcopy(EXPECTED))
    assert not score.reasons(article, right, resolver)
    for change, (key, value) in changes.items():
        wrong = copy.deepcopy(right)
        wrong["events"][0][key] = value
        result = scored(wrong, resolver)
        assert (result.accepted, result.events_paired) == (0, 1), change
        counted = score.reasons(article, wrong, resolver)
        assert {k: n for k, n in counted.items() if isinstance(k, str)} == {
            parts[change]: 1
        }, change
    # And by role: Reuters, proposed as mentioned, is removed as mentioned.
    more = copy.deepcopy(right)
    more["events"][0]["actors"] = changes["an actor more"][1]
    assert score.reasons(article, more, resolver)[("actor removed", "mentioned")] == 1

    elsewhere = copy.deepcopy(right)
    elsewhere["events"][0].update(span(MEETINGS))
    result = scored(elsewhere, resolver)
    assert (result.accepted, result.events_paired) == (0, 1)
    # Paired with the meetings now, and wrong in every part.
    assert {k for k in score.reasons(article, elsewhere, resolver)
            if isinstance(k, str)} == {
        "type", "date", "place", "actor added", "actor removed"}  # fmt: skip
    nowhere = copy.deepcopy(right)
    nowhere["events"][0].update(start=0, end=0)
    assert score.reasons(article, nowhere, resolver) == {"discarded": 1}


def test_nothing_suggested_finds_nothing(resolver: Resolver) -> None:
    empty = {"actors": [], "places": [], "dates": [], "events": []}
    result = scored(empty, resolver)
    assert result.actors == Tally(expected=5, found=0, suggested=0, right=0)
    assert (result.proposals, result.accepted, result.events_paired) == (0, 0, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["events"][0]["quotes"].append("not in the text"), "not once"),
        (lambda d: d["events"][1]["quotes"].append("Penjwen"), "not once"),
        (lambda d: d["events"][1]["participants"].append(["Nobody", "target"]),
         "not listed"),
        (lambda d: d["events"][1]["participants"].append(["Fuad Hussein", "target"]),
         "twice"),
        (lambda d: d["events"][1].update(place="Tehran"), "not listed"),
        (lambda d: d["events"][1].update(type="skirmish"), "no event type"),
        (lambda d: d["events"][1]["participants"][0].__setitem__(1, "host"),
         "no role"),
        (lambda d: d["events"][1].update(date=datetime.date(2024, 6, 12),
                                         precision="week"), "not how"),
        (lambda d: d["actors"].append({"name": "Iran", "kind": "state"}),
         "in no event"),
        (lambda d: d["actors"][0].update(kind="party"), "no actor kind"),
        (lambda d: d["places"][0].update(country="IQ"), "not ISO alpha-3"),
    ],
)  # fmt: skip
def test_inconsistent_annotations_are_refused(
    change: Callable[[dict], None], message: str
) -> None:
    data = copy.deepcopy(EXPECTED)
    change(data)
    with pytest.raises(AnnotationError, match=message):
        parse_article("hand-made", TEXT, data)


def test_every_article_of_the_set_is_annotated_consistently() -> None:
    articles = score.load_all()
    assert len(articles) >= 25
    assert len({a.slug for a in articles}) == len(articles)
    for article in articles:
        assert isinstance(article.published_on, datetime.date), article.slug
        assert article.events, article.slug


def test_the_report_measures_against_the_goals() -> None:
    def article(found: int, accepted: int) -> ArticleScore:
        return ArticleScore(
            slug="x",
            actors=Tally(10, found, 10, found),
            places=Tally(10, 10, 10, 10),
            dates=Tally(10, 10, 12, 10),
            proposals=10,
            accepted=accepted,
            events=10,
            events_paired=10,
        )

    report = Report([article(9, 9), article(9, 8)])
    assert report.figures() == {
        "actors": 0.9,
        "places": 1.0,
        "dates": 1.0,
        "accepted": 0.85,
    }
    assert report.shortfalls() == []
    assert Report([article(8, 10)]).shortfalls() == ["actors 0.80 < 0.90"]
    assert "actors   recall  80.0% (goal 90%)" in Report([article(8, 10)]).table()


# Every goal is met and held: the recalls of actors, places and dates, and
# the share of proposals accepted without change.
RECALL_GOALS = ("actors", "places", "dates")


def shortfalls(names: tuple[str, ...]) -> list[str]:
    return [line for line in score.run().shortfalls() if line.split()[0] in names]


def test_the_assistant_finds_what_editors_record(
    report_devset: Callable[[str], None],
) -> None:
    report = score.run()
    report_devset(report.table())
    assert set(GOALS) == {*RECALL_GOALS, "accepted"}
    short = [line for line in report.shortfalls() if line.split()[0] in RECALL_GOALS]
    assert not short, "below the goals: " + "; ".join(short)


# Proposals accepted without change on the development set: 85.5 % (106 of
# 124) with articles 01-49; 79.1 % (110 of 139) since articles 50-55, written
# in a wire service's voice to find the actors the rules did not know (their
# round took them from 1 of 16 proposals accepted to 4 of 15); 73.0 % (116 of
# 159) since articles 56-63, moved from the held-out set after the rules were
# changed for its misses (tests/heldout/README.md); 52.0 % (119 of 229) when
# the twenty held-out articles moved in as 64-83 on 2026-12-06 and 58.9 %
# (132 of 224) after the round written for them; 61.6 % (135 of 219) after
# the round of 2026-12-07 on sentences of our own; 42.9 % (168 of 392) when
# forty new articles (84-123, by writers who had not read the rules) came in
# later that day and the round written for them was done (01-83 alone: 138
# of 219); 37.7 % (179 of 475) with twenty more (124-143, 9 of 82 accepted
# when they came in, before any rule was written for them) and a short round
# on them; 34.1 % (197 of 577) with twenty more (144-163, 11 of 105 accepted
# when they came in), the round on them and its review; 37.7 % (206 of 546)
# after a round on the proposals an editor discards and one on the people an
# article does not name; 38.6 % (211 of 546) after one on places; 45.7 %
# (247 of 541) after one on government bodies, participants and roles, and
# the type, date and place of each proposal; 46.0 % (249 of 541) after a
# short one on types, ministers and lists of states; 41.8 % (264 of 632)
# with twenty more (164-183, 15 of 91 accepted when they came in, before any
# rule was written for them), 45.6 % (292 of 641) after the round on them,
# its review and a short ninth round; 41.0 % (304 of 742) with twenty more
# (184-203, 12 of 101 accepted when they came in) and 41.7 % (308 of 738)
# after the tenth round on them, its review, an eleventh and its review.
# While the goal is missed it is a strict xfail, and the set may not lose
# what it has.
ACCEPTED_AT_LEAST = 308


def test_the_set_keeps_the_proposals_it_had_accepted() -> None:
    report = score.run()
    assert report.accepted >= ACCEPTED_AT_LEAST, (
        f"{report.accepted} of {report.proposals} proposals accepted without "
        f"change, fewer than the {ACCEPTED_AT_LEAST} of the last round"
    )


@pytest.mark.xfail(
    strict=True,
    reason="issue #16: development set 41.7 % (308 of 738) accepted against 85 %",
)
def test_the_assistants_proposals_are_accepted_without_change() -> None:
    short = shortfalls(("accepted",))
    assert not short, "below the goals: " + "; ".join(short)
