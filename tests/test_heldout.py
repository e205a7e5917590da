"""
The assistant's held-out set (tests/heldout/): articles it was never tuned
on, scored as the development set is (tests/devset/score.py). It says how
the assistant does on unseen text, the measure issue #16 sets its goals on.
The table of figures is printed at the end of the run.
"""

import datetime
from collections.abc import Callable

import pytest

from tests.devset import score
from tests.devset.score import GOALS, HELDOUT, Report

pytestmark = pytest.mark.django_db

# Measured when the set was written (2026-12-05), before any rule was changed
# for it, and again after each of the development set's next rounds. On
# 2026-12-06 the eight articles whose missed actors were read and answered
# by rules moved to the development set (56-63), eight new ones took their
# place and eight more were added; later that day all twenty moved to the
# development set (64-83) for a round on acceptance, and twenty new ones
# (29-48), written without reading the rules, took their place; on
# 2026-12-07 twenty more (49-68) were added, written the same way. The
# figures below are of the forty with the rules of the eighth and ninth
# rounds (development articles 164-183 and the review; after the seventh,
# on types, ministers and lists of states: actors 88.8 % (269/303), 26 of
# 166 accepted; after the sixth, on government bodies,
# participants and roles, each proposal's type, date and place, and its
# review: actors 88.8 % (269/303), 25 of 166 accepted; before it, after the
# fifth: actors 88.4 % (268/303), 22 of 167 accepted); after the fourth, of
# 2026-12-07, on
# twenty more development articles (144-163), its review, and a state's
# services by their own names: actors 88.4 %, 22 of 167 (before those:
# actors 87.8 %, 20 of 169 accepted); after the third
# round (124-143) and its two reviews: actors 87.8 %, 19 of 170 accepted
# (before the reviews: actors 87.8 %, places 92.7 %, 20 of 170 accepted);
# after the second round: actors 87.8 % (266/303), 19 of 169; after the first
# round that day: actors 85.8 % (260/303), 19 of 168 proposals accepted; before
# it, places 90.9 % (100/110), 17 of 177 accepted. Each goal not met is a
# strict xfail, so the day it is met the run says so and the mark goes:
# places met it on the forty.
SHORT_OF_GOAL = {
    "actors": "actors recall 89.8 % (272/303) against 90 %",
    "accepted": "27 of 166 proposals (16.3 %) accepted without change against 85 %",
}


def goal(name: str):
    if name not in SHORT_OF_GOAL:
        return pytest.param(name, id=name)
    reason = f"issue #16, held-out set: {SHORT_OF_GOAL[name]}"
    return pytest.param(
        name, id=name, marks=pytest.mark.xfail(strict=True, reason=reason)
    )


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker) -> Report:
    with django_db_blocker.unblock():
        return score.run(score.load_all(HELDOUT))


def test_every_article_of_the_held_out_set_is_annotated_consistently() -> None:
    articles = score.load_all(HELDOUT)
    assert len(articles) >= 20
    development = {a.slug for a in score.load_all()}
    assert development.isdisjoint(a.slug for a in articles)
    development_texts = {a.text for a in score.load_all()}
    for article in articles:
        assert article.text not in development_texts, article.slug
        assert isinstance(article.published_on, datetime.date), article.slug
        assert article.events, article.slug
        words = len(article.text.split())
        assert 120 <= words <= 450, (article.slug, words)


def test_the_held_out_figures_are_reported(
    report: Report, report_heldout: Callable[[str], None]
) -> None:
    report_heldout(report.table(articles=False))
    assert len(report.articles) == len(score.slugs(HELDOUT))
    assert report.total()["actors"].expected > 0
    assert set(report.figures()) == set(GOALS)


@pytest.mark.parametrize(
    "name", [goal(name) for name in ("actors", "places", "dates", "accepted")]
)
def test_the_assistant_reaches_the_goal_on_unseen_articles(
    report: Report, name: str
) -> None:
    value = report.figures()[name]
    assert value >= GOALS[name], f"{name} {value:.1%} < {GOALS[name]:.0%}"
