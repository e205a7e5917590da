"""
The founding article, curated as a careful editor would: every event it
reports or recounts, with its actors, places, honest date precision and the
quotes that support each claim.

Dates the text gives relative to publication (20 March 2023) resolve as the
editor would read them: "on Sunday" is 19 March 2023, "in November" is
November 2022 and "last year" is 2022, kept at year precision.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from events.geography import load_place
from events.models import (
    Actor,
    Agreement,
    AgreementParty,
    DatePrecision,
    Event,
    EventRelation,
    GeoPrecision,
    Location,
    Participant,
    Provision,
    SourceArticle,
    period_bounds,
)

SEED_PATH = (
    settings.BASE_DIR / "data" / "seed" / "iraq-iran-border-security-agreement.txt"
)

ARTICLE = {
    "title": "Iraq and Iran sign agreement to strengthen border security",
    "publisher": "Al Jazeera",
    "published_on": datetime.date(2023, 3, 20),
    "language": "en",
}

# GeoNames ids of the cities the article names (data/geo/places.csv).
BAGHDAD, TEHRAN = 98182, 112931

ACTORS: dict[str, dict] = {
    "iran": {
        "name": "Iran",
        "kind": "state",
        "country": "IRN",
        "wikidata_id": "Q794",
        "aliases": ["Islamic Republic of Iran"],
    },
    "iraq": {
        "name": "Iraq",
        "kind": "state",
        "country": "IRQ",
        "wikidata_id": "Q796",
        "aliases": ["Republic of Iraq"],
    },
    "israel": {
        "name": "Israel",
        "kind": "state",
        "country": "ISR",
        "wikidata_id": "Q801",
    },
    "snsc": {
        "name": "Supreme National Security Council",
        "kind": "government_body",
        "country": "IRN",
        "parent": "iran",
        "aliases": ["SNSC", "Iran’s Supreme National Security Council"],
    },
    "shamkhani": {
        "name": "Ali Shamkhani",
        "kind": "person",
        "country": "IRN",
        "parent": "snsc",
        "aliases": ["Shamkhani"],
        "description": "Secretary of Iran’s Supreme National Security "
        "Council at the time of the March 2023 agreement.",
    },
    "nsa_iraq": {
        "name": "National Security Advisory of Iraq",
        "kind": "government_body",
        "country": "IRQ",
        "parent": "iraq",
        "aliases": ["Iraqi National Security Advisory"],
    },
    "araji": {
        "name": "Qasim al-Araji",
        "kind": "person",
        "country": "IRQ",
        "parent": "nsa_iraq",
        "aliases": ["Qassim al-Araji", "al-Araji", "Araji"],
        "description": "Iraq’s national security adviser at the time of the "
        "March 2023 agreement.",
    },
    "pm_office": {
        "name": "Office of the Prime Minister of Iraq",
        "kind": "government_body",
        "country": "IRQ",
        "parent": "iraq",
        "aliases": [
            "Iraqi prime minister’s office",
            "Iraqi Prime Minister’s Press Office",
        ],
    },
    "sudani": {
        "name": "Mohammed Shia al-Sudani",
        "kind": "person",
        "country": "IRQ",
        "parent": "pm_office",
        "aliases": ["Mohammed al-Sudani", "al-Sudani", "Sudani"],
        "description": "Prime Minister of Iraq from October 2022.",
    },
    "mfa_iran": {
        "name": "Ministry of Foreign Affairs of Iran",
        "kind": "government_body",
        "country": "IRN",
        "parent": "iran",
        "aliases": ["Iranian Foreign Ministry"],
    },
    "abdollahian": {
        "name": "Hossein Amir-Abdollahian",
        "kind": "person",
        "country": "IRN",
        "parent": "mfa_iran",
        "aliases": ["Amir-Abdollahian", "Hossein Amirabdollahian"],
        "description": "Foreign Minister of Iran at the time of the "
        "March 2023 agreement.",
    },
    "irgc": {
        "name": "Islamic Revolutionary Guard Corps",
        "kind": "security_force",
        "country": "IRN",
        "parent": "iran",
        "aliases": [
            "IRGC",
            "Revolutionary Guard",
            "Revolutionary Guards",
            "Iran’s Revolutionary Guard",
        ],
    },
    "mois": {
        "name": "Ministry of Intelligence of Iran",
        "kind": "government_body",
        "country": "IRN",
        "parent": "iran",
        "aliases": ["Iran’s intelligence ministry", "MOIS"],
    },
    "iran_security": {
        "name": "Iranian security forces",
        "kind": "security_force",
        "country": "IRN",
        "parent": "iran",
    },
    "iran_police": {
        "name": "Iranian police",
        "kind": "security_force",
        "country": "IRN",
        "parent": "iran",
        # ACLED writes it "Police Forces of Iran (1989-)"; the period is a
        # form of the name (actor_identity), so its import finds this actor.
        "aliases": [
            "Law Enforcement Command of Iran",
            "Police Forces of Iran",
            "FARAJA",
        ],
    },
    "iran_protesters": {
        "name": "Protesters (Iran)",
        "kind": "civilians",
        "country": "IRN",
    },
    "kurdish_groups": {
        "name": "Iranian Kurdish opposition groups",
        "kind": "armed_group",
        "country": "IRN",
        "aliases": [
            "Iranian Kurdish groups",
            "Iranian Kurdish factions",
            "Kurdish armed groups",
            "Kurdish dissidents",
        ],
        "description": "Iranian Kurdish factions with rear camps and "
        "bases in Iraq’s Kurdistan Region; Iran calls them terrorists.",
    },
    "sabotage_team": {
        "name": "Sabotage team detained in Iran (2022)",
        "kind": "armed_group",
        "description": "Described by Iran’s intelligence ministry as "
        "Kurdish fighters working for Israel.",
    },
    "krg": {
        "name": "Kurdistan Regional Government",
        "kind": "government_body",
        "country": "IRQ",
        "parent": "iraq",
        "aliases": ["KRG"],
    },
    "peshmerga": {
        "name": "Peshmerga",
        "kind": "security_force",
        "country": "IRQ",
        "parent": "krg",
        "aliases": ["Kurdish peshmerga forces"],
    },
    "federal_guards": {
        "name": "Iraqi federal border guards",
        "kind": "security_force",
        "country": "IRQ",
        "parent": "iraq",
        "aliases": ["federal guards"],
    },
}


@dataclass
class DemoEvent:
    key: str
    title: str
    summary: str
    event_type: str
    day: datetime.date
    precision: str = DatePrecision.DAY
    last_day: datetime.date | None = None  # for a range of days
    location: str | int = "IRQ"  # a Location code, or a GeoNames id
    geo_precision: str = GeoPrecision.EXACT
    sub_event_type: str = ""
    confidence: str = Event.Confidence.HIGH
    participants: list[tuple] = field(
        default_factory=list
    )  # (actor, role, capacity, for)
    citations: list[tuple[str, str]] = field(default_factory=list)  # (quote, field)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (kind, event key)


SIGNED_ON = datetime.date(2023, 3, 19)
TRIP = (SIGNED_ON, datetime.date(2023, 3, 20))  # signing day to publication
YEAR_2022 = datetime.date(2022, 1, 1)

SIGNING_QUOTE = (
    "Secretary of Iran’s Supreme National Security Council Ali Shamkhani signed the "
    "agreement with Iraq’s national security adviser Qasim al-Araji in the presence "
    "of Iraqi Prime Minister Mohammed al-Sudani, the prime minister’s office said."
)
AGREEMENT_QUOTE = (
    "Iraq and Iran have signed a border security agreement, a move that Iraqi "
    "officials say is mainly aimed at strengthening the border with Iraq’s Kurdish "
    "region, where Tehran says Kurdish armed groups pose a threat to its security."
)
COORDINATION_QUOTE = (
    "The joint security agreement on Sunday includes coordination to “protect the "
    "common borders between the two countries and consolidate cooperation in "
    "various security fields,” said a statement from the Iraqi prime minister’s office."
)
ARMED_GROUPS_QUOTE = (
    "“According to the signed security agreement, Iraq promises that it will not "
    "allow armed groups to use its territory in the Iraqi Kurdish region to launch "
    "border attacks against neighboring Iran,”"
)
STRIKES_QUOTE = (
    "The border took on a new focus last year when Iran’s Revolutionary Guard "
    "launched missile and drone strikes against Iranian Kurdish groups based in "
    "northern Iraq, accusing them of fomenting protests sparked by the death of an "
    "Iranian Kurdish woman while in police custody."
)
PROTESTS_QUOTE = (
    "protests sparked by the death of an Iranian Kurdish woman while in police custody"
)

EVENTS = [
    DemoEvent(
        key="signing",
        title="Iraq and Iran sign a border security agreement in Baghdad",
        summary="Ali Shamkhani, secretary of Iran’s Supreme National Security "
        "Council, and Qasim al-Araji, Iraq’s national security adviser, sign a joint "
        "security agreement in the presence of Prime Minister Mohammed Shia "
        "al-Sudani. Iraqi officials say it mainly aims to strengthen the border "
        "with Iraq’s Kurdish region.",
        event_type=Event.Type.AGREEMENT,
        sub_event_type="Agreement",
        day=SIGNED_ON,
        location=BAGHDAD,
        participants=[
            (
                "shamkhani",
                "signatory",
                "Secretary of the Supreme National Security Council",
                "iran",
            ),
            ("araji", "signatory", "National Security Adviser", "iraq"),
            ("sudani", "witness", "Prime Minister of Iraq", None),
            ("iran", "signatory", "", None),
            ("iraq", "signatory", "", None),
        ],
        citations=[
            (AGREEMENT_QUOTE, ""),
            ("The joint security agreement on Sunday", "start_date"),
            (SIGNING_QUOTE, "participants"),
            ("in Baghdad, Iraq", "location"),
        ],
    ),
    DemoEvent(
        key="meeting",
        title="Prime Minister al-Sudani meets Ali Shamkhani in Baghdad",
        summary="A photo caption shows Iraq’s prime minister meeting the secretary "
        "of Iran’s Supreme National Security Council in Baghdad during his visit; "
        "the caption does not date the meeting.",
        event_type=Event.Type.MEETING,
        day=TRIP[0],
        last_day=TRIP[1],
        location=BAGHDAD,
        confidence=Event.Confidence.MEDIUM,
        participants=[
            ("sudani", "participant", "Prime Minister of Iraq", None),
            (
                "shamkhani",
                "participant",
                "Secretary of the Supreme National Security Council",
                None,
            ),
        ],
        citations=[
            (
                "Iraqi Prime Minister Mohammed Shia al-Sudani (far right) meets with "
                "Secretary of Iran’s Supreme National Security Council Ali Shamkhani in "
                "Baghdad, Iraq",
                "",
            ),
        ],
        relations=[("part_of", "signing")],
    ),
    DemoEvent(
        key="shamkhani_statement",
        title="Shamkhani says the agreement can end the actions of Kurdish groups "
        "in northern Iraq",
        summary="Speaking about the deal, Shamkhani denounces the “counter-"
        "revolutionary elements” in northern Iraq, as reported by IRNA. Where he "
        "spoke is not stated; he was on a visit to Iraq.",
        event_type=Event.Type.STATEMENT,
        day=TRIP[0],
        last_day=TRIP[1],
        location="IRQ",
        geo_precision=GeoPrecision.COUNTRY,
        participants=[
            (
                "shamkhani",
                "initiator",
                "Secretary of the Supreme National Security Council",
                "iran",
            ),
            ("kurdish_groups", "target", "", None),
        ],
        citations=[
            (
                "Shamkhani denounced “ruthless activities of counter-revolutionary "
                "elements” in northern Iraq, a reference to Kurdish groups operating in "
                "the country, according to the Iranian state news agency IRNA.",
                "",
            ),
            (
                "He said the deal signed on Sunday “can completely and fundamentally end "
                "the vicious actions of these groups,” which the Iranian government "
                "labels “terrorists.”",
                "",
            ),
        ],
        relations=[("response_to", "signing")],
    ),
    DemoEvent(
        key="abdollahian_statement",
        title="Foreign Minister Amir-Abdollahian says Iran will not accept threats "
        "from Iraqi territory",
        summary="Speaking in Tehran during Shamkhani’s visit to Iraq, Iran’s "
        "foreign minister says the trip focuses on armed groups in northern Iraq.",
        event_type=Event.Type.STATEMENT,
        day=TRIP[0],
        last_day=TRIP[1],
        location=TEHRAN,
        participants=[
            ("abdollahian", "initiator", "Foreign Minister of Iran", "iran"),
            ("shamkhani", "mentioned", "", None),
            ("kurdish_groups", "target", "", None),
        ],
        citations=[
            (
                "Iranian Foreign Minister Hossein Amir-Abdollahian, speaking in Tehran, "
                "said that “Shamkhani’s current trip to Iraq has been planned for four "
                "months and focuses on issues related to armed groups in northern "
                "Iraq.”",
                "",
            ),
            ("Iran will in no way accept threats from Iraqi territories, he said.", ""),
        ],
    ),
    DemoEvent(
        key="death_in_custody",
        title="An Iranian Kurdish woman dies in police custody",
        summary="The death of an Iranian Kurdish woman while in police custody "
        "sparks protests across Iran. The article names neither her nor the date.",
        event_type=Event.Type.DEATH,
        day=YEAR_2022,
        precision=DatePrecision.YEAR,
        location="IRN",
        geo_precision=GeoPrecision.COUNTRY,
        participants=[("iran_police", "mentioned", "held her in custody", None)],
        citations=[(PROTESTS_QUOTE, ""), ("last year", "start_date")],
    ),
    DemoEvent(
        key="protests",
        title="Protests in Iran after the death of a Kurdish woman in police custody",
        summary="Protests sparked by the woman’s death, which Iran accuses Iranian "
        "Kurdish groups in northern Iraq of fomenting.",
        event_type=Event.Type.PROTEST,
        day=YEAR_2022,
        precision=DatePrecision.YEAR,
        location="IRN",
        geo_precision=GeoPrecision.COUNTRY,
        participants=[
            ("iran_protesters", "initiator", "", None),
            ("kurdish_groups", "mentioned", "accused by Iran of fomenting", None),
        ],
        citations=[(PROTESTS_QUOTE, "")],
        relations=[("caused_by", "death_in_custody")],
    ),
    DemoEvent(
        key="irgc_strikes",
        title="Iran’s Revolutionary Guard strikes Iranian Kurdish groups in "
        "northern Iraq",
        summary="The Islamic Revolutionary Guard Corps launches missile and drone "
        "strikes against Iranian Kurdish groups based in northern Iraq, accusing "
        "them of fomenting the protests in Iran.",
        event_type=Event.Type.REMOTE_VIOLENCE,
        sub_event_type="Air/drone strike",
        day=YEAR_2022,
        precision=DatePrecision.YEAR,
        location="IQ-KR",
        geo_precision=GeoPrecision.REGION,
        participants=[
            ("irgc", "initiator", "", None),
            ("kurdish_groups", "target", "", None),
        ],
        citations=[
            (STRIKES_QUOTE, ""),
            ("The border took on a new focus last year", "start_date"),
            (
                "Iraq’s semi-autonomous Kurdish region is home to rear camps and bases "
                "operated by various Iranian Kurdish factions",
                "location",
            ),
        ],
        relations=[("response_to", "protests")],
    ),
    DemoEvent(
        key="federal_guards",
        title="Iraq announces federal guards will take over the Kurdistan–Iran "
        "border from the peshmerga",
        summary="After the Iranian attacks, Iraq announces that federal guards will "
        "be redeployed on the border between Kurdish Iraq and Iran instead of "
        "leaving it to Kurdish peshmerga forces. Tehran welcomes the move.",
        event_type=Event.Type.DEPLOYMENT,
        sub_event_type="Change to group/activity",
        day=datetime.date(2022, 11, 1),
        precision=DatePrecision.MONTH,
        location="IQ-KR-IRN",
        geo_precision=GeoPrecision.REGION,
        participants=[
            ("iraq", "initiator", "", None),
            ("federal_guards", "mentioned", "to be redeployed on the border", None),
            ("peshmerga", "mentioned", "relieved of responsibility", None),
            ("iran", "mentioned", "welcomed the move", None),
        ],
        citations=[
            (
                "After the Iranian attacks, Iraq announced in November that it would "
                "redeploy federal guards on the border between Kurdish Iraq and Iran, "
                "rather than leaving responsibility to Kurdish peshmerga forces, a move "
                "Tehran welcomed.",
                "",
            ),
            ("Iraq announced in November", "start_date"),
        ],
        relations=[("response_to", "irgc_strikes")],
    ),
    DemoEvent(
        key="sabotage_arrests",
        title="Iran detains a sabotage team it says planned to attack a defence "
        "site in Isfahan",
        summary="Iran’s intelligence ministry says a sabotage team detained by its "
        "security forces were Kurdish fighters working for Israel who planned to "
        "blow up a “sensitive” defence industrial centre in Isfahan. Where the "
        "team was detained is not stated.",
        event_type=Event.Type.ARREST,
        sub_event_type="Arrests",
        day=YEAR_2022,
        precision=DatePrecision.YEAR,
        location="IRN",
        geo_precision=GeoPrecision.COUNTRY,
        confidence=Event.Confidence.MEDIUM,
        participants=[
            ("iran_security", "initiator", "", None),
            ("sabotage_team", "target", "", None),
            ("mois", "mentioned", "announced the detentions", None),
            ("israel", "mentioned", "alleged sponsor", None),
        ],
        citations=[
            (
                "Last year, Iran’s intelligence ministry said a sabotage team detained by "
                "its security forces were Kurdish fighters working for Israel who were "
                "planning to blow up a “sensitive” defense industrial center in the city "
                "of Isfahan.",
                "",
            ),
        ],
    ),
]

AGREEMENT = {
    "title": "Iraq–Iran border security agreement",
    "kind": Agreement.Kind.SECURITY,
    "summary": "Joint security agreement on coordination to protect the common "
    "border, chiefly along Iraq’s Kurdistan Region, and on wider security "
    "cooperation.",
    "signed_on": SIGNED_ON,
    "status": Agreement.Status.SIGNED,
    "status_since": SIGNED_ON,
}
AGREEMENT_PARTIES = [
    ("iran", "party", None, ""),
    ("iraq", "party", None, ""),
    (
        "shamkhani",
        "signatory",
        "iran",
        "Secretary of the Supreme National Security Council",
    ),
    ("araji", "signatory", "iraq", "National Security Adviser"),
    ("sudani", "witness", None, "Prime Minister of Iraq"),
]
PROVISIONS = [
    (
        "Coordination to protect the common borders between the two countries.",
        ["border_security"],
    ),
    (
        "Consolidation of cooperation in various security fields.",
        ["security_cooperation"],
    ),
    (
        "Iraq will not allow armed groups to use its territory in the Kurdistan Region "
        "to launch cross-border attacks against Iran.",
        ["armed_groups", "border_security"],
    ),
]
AGREEMENT_CITATIONS = [
    (AGREEMENT_QUOTE, ""),
    (SIGNING_QUOTE, "parties"),
    (COORDINATION_QUOTE, "provisions"),
    (ARMED_GROUPS_QUOTE, "provisions"),
]


def _location(ref: str | int) -> Location:
    if isinstance(ref, int):
        return load_place(ref)
    return Location.objects.get(code=ref)


def _actors() -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for key, spec in ACTORS.items():  # parents come before their members
        fields = {
            k: v for k, v in spec.items() if k not in ("name", "country", "parent")
        }
        fields["parent"] = actors[spec["parent"]] if "parent" in spec else None
        actors[key], _ = Actor.objects.update_or_create(
            name=spec["name"], country=spec.get("country", ""), defaults=fields
        )
    return actors


def _event(spec: DemoEvent, actors: dict[str, Actor], article: SourceArticle) -> Event:
    start, end = period_bounds(spec.day, spec.precision)
    event = Event.objects.create(
        title=spec.title,
        summary=spec.summary,
        event_type=spec.event_type,
        sub_event_type=spec.sub_event_type,
        start_date=start,
        end_date=spec.last_day or end,
        date_precision=spec.precision,
        location=_location(spec.location),
        geo_precision=spec.geo_precision,
        confidence=spec.confidence,
        status=Event.Status.PUBLISHED,
        published_at=datetime.datetime(2023, 3, 20, tzinfo=datetime.UTC),
    )
    for actor, role, capacity, on_behalf_of in spec.participants:
        Participant.objects.create(
            event=event,
            actor=actors[actor],
            role=role,
            capacity=capacity,
            on_behalf_of=actors[on_behalf_of] if on_behalf_of else None,
        )
    for quote, field_name in spec.citations:
        event.cite(article, quote, field=field_name)
    return event


@transaction.atomic
def load_demo(*, path: Path = SEED_PATH, reset: bool = False) -> str:
    """Store the seed article and its curated events; a no-op once loaded."""
    body = path.read_text(encoding="utf-8")
    article = SourceArticle.objects.filter(title=ARTICLE["title"]).first()
    if article is not None and article.citations.exists():
        if not reset:
            return "Demo data already loaded."
        Agreement.objects.filter(citations__article=article).delete()
        Event.objects.filter(citations__article=article).delete()
    if article is None:
        article = SourceArticle.objects.create(
            body=body, state=SourceArticle.State.CURATED, **ARTICLE
        )

    actors = _actors()
    events = {spec.key: _event(spec, actors, article) for spec in EVENTS}
    for spec in EVENTS:
        for kind, other in spec.relations:
            EventRelation.objects.create(
                from_event=events[spec.key], to_event=events[other], kind=kind
            )

    agreement = Agreement.objects.create(
        **AGREEMENT, signed_at=_location(BAGHDAD), signing_event=events["signing"]
    )
    for actor, role, represents, capacity in AGREEMENT_PARTIES:
        AgreementParty.objects.create(
            agreement=agreement,
            actor=actors[actor],
            role=role,
            represents=actors[represents] if represents else None,
            capacity=capacity,
        )
    for number, (text, tags) in enumerate(PROVISIONS, start=1):
        Provision.objects.create(
            agreement=agreement, number=number, text=text, tags=tags
        )
    for quote, field_name in AGREEMENT_CITATIONS:
        agreement.cite(article, quote, field=field_name)
    return (
        f"Demo data loaded: 1 article, {len(actors)} actors, {len(events)} events, "
        "1 agreement."
    )
