"""Generates the Vietnamese text of one article from templates and keyed random choices.

Split in two stages so listing pages stay cheap: the headline (title, sapo, image count) is all a
listing needs; the body (paragraphs, figures, author, attachments) only the article page.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import phrases as ph
from .rng import TAG_BODY, TAG_META, rng_for
from .vntext import capitalize_first, slugify, vn_decimal, vn_int

# Serials (0 = oldest article) whose first paragraph ends with phrases.ABBREVIATION_NOTES[i]:
# old articles, present in every portal of 40+ articles and never edited or removed by days.py.
ABBREVIATION_NOTE_SERIALS = (5, 12, 19, 26, 33, 40, 47)


@dataclass(frozen=True)
class Figure:
    """An image inside the article body: /images/<id>-<number>.png."""

    number: int
    caption: str


@dataclass(frozen=True)
class Attachment:
    """A PDF attachment: /files/<id>/<name>.pdf."""

    name: str
    title: str


@dataclass(frozen=True)
class Headline:
    title: str
    sapo: str
    images: int
    # Choices the body must agree with (who, where, which leader spoke).
    subject: str
    ward: str
    leader: str
    leader_short: str


@dataclass(frozen=True)
class Body:
    blocks: tuple[str | Figure, ...]  # paragraphs and figures, in page order
    author: str
    attachments: tuple[Attachment, ...]


_DRAWS: dict[str, Callable[[random.Random], str]] = {
    "n_small": lambda r: str(r.randint(3, 45)),
    "n_tiny": lambda r: str(r.randint(2, 9)),
    "people": lambda r: vn_int(r.randint(120, 4800)),
    "households": lambda r: vn_int(r.randint(80, 3200)),
    "pct": lambda r: vn_decimal(r.uniform(55, 118)),
    "pct_small": lambda r: vn_decimal(r.uniform(0.5, 12)),
    "money": lambda r: vn_int(r.randint(50, 9800)),
    "billion": lambda r: vn_int(r.randint(2, 1980)),
    "gift": lambda r: vn_int(r.randint(3, 20) * 100_000),
    "ton": lambda r: vn_int(r.randint(5, 1200)),
    "km": lambda r: vn_decimal(r.uniform(0.5, 12), 1),
    "ha": lambda r: vn_int(r.randint(20, 1500)),
    "quarter": lambda r: r.choice(("III", "IV")),
    "khom": lambda r: str(r.randint(1, 12)),
}
for _key, _pool in ph.FILLERS.items():
    _DRAWS[_key] = lambda r, pool=_pool: r.choice(pool)


class _Slots(dict):
    """Template values: fixed ones per article, numbers drawn fresh at each use."""

    def __init__(self, rng: random.Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        return _DRAWS[key](self.rng)


def _fixed_slots(published: datetime, ward: str) -> dict[str, str]:
    return {
        "year": str(published.year),
        "prev_year": str(published.year - 1),
        "dm": f"{published.day:02d}/{published.month}",
        "ward": ward,
    }


def write_headline(seed: int, serial: int, section: int, published: datetime) -> Headline:
    """Title, sapo and the per-article choices, from the article's own random stream."""
    rng = rng_for(seed, TAG_META, serial)
    ward = rng.choice(ph.WARDS)
    slots = _Slots(rng, _fixed_slots(published, ward))
    if rng.random() < 0.2:
        subject = rng.choice(ph.WARD_SUBJECTS).format(ward=ward)
    else:
        subject = rng.choice(ph.SUBJECTS[section])
    name = " ".join(
        (rng.choice(ph.FAMILY_NAMES), rng.choice(ph.MIDDLE_NAMES), rng.choice(ph.GIVEN_NAMES))
    )
    leader = f"đồng chí {name}, {rng.choice(ph.POSITIONS)}"
    event = rng.choice(ph.EVENTS[section])
    if isinstance(event, tuple):
        subject = event[0].format(ward=ward)
        event = event[1]
    event = event.format_map(slots)
    if rng.random() < 0.8:
        title = f"{capitalize_first(subject)} {event}"
    else:
        title = f"TP. Trà Vinh: {capitalize_first(event)}"
    slots.update(
        subject=subject,
        event=event,
        leader=leader,
        purpose=rng.choice(ph.PURPOSES[section]),
        venue=rng.choice(ph.VENUES).format(ward=ward),
    )
    slots["attend"] = rng.choice(ph.ATTENDS).format_map(slots)
    sapo = rng.choice(ph.SAPOS).format_map(slots).strip()
    images = rng.choices((0, 1, 2), weights=(2, 5, 3))[0]
    return Headline(title, sapo, images, subject, ward, leader, f"Đồng chí {name}")


def _paragraph(sentences: list[str], slots: _Slots) -> str:
    return " ".join(capitalize_first(s.format_map(slots)) for s in sentences)


def _author(rng: random.Random) -> str:
    a, b = rng.sample(ph.PEN_NAMES, 2)
    return rng.choice(ph.AUTHOR_FORMS).format(a=a, b=b, source=rng.choice(ph.SOURCES))


def _attachments(rng: random.Random, slots: _Slots, published: datetime) -> tuple[Attachment, ...]:
    if rng.random() >= 0.25:
        return ()
    kinds = rng.sample(ph.DOCUMENT_KINDS, rng.randint(1, 2))
    result = []
    for kind, code_template in kinds:
        code = code_template.format(n=rng.randint(20, 480))
        issued = published - timedelta(days=rng.randint(2, 25))
        about = rng.choice(ph.DOCUMENT_SUBJECTS).format_map(slots)
        title = (
            f"{kind} số {code} ngày {issued.day}/{issued.month}/{issued.year}"
            f" của UBND thành phố về {about}"
        )
        result.append(Attachment(slugify(f"{kind} {code}"), title))
    return tuple(result)


def write_body(
    seed: int, serial: int, section: int, published: datetime, headline: Headline
) -> Body:
    """3-8 paragraphs (opening, results, closing) with the headline's figures between them."""
    rng = rng_for(seed, TAG_BODY, serial)
    slots = _Slots(rng, _fixed_slots(published, headline.ward))
    slots.update(
        subject=headline.subject, leader=headline.leader, leader_short=headline.leader_short
    )
    count = rng.randint(3, 8)
    openings = rng.sample(ph.OPENINGS, 2)
    pool = ph.RESULTS + ph.SECTION_RESULTS[section]
    results = rng.sample(pool, min(len(pool), 3 * (count - 2)))
    paragraphs = [_paragraph(openings[: rng.randint(1, 2)], slots)]
    for i in range(count - 2):
        chunk = results[3 * i : 3 * i + rng.randint(1, 3)] or [rng.choice(pool)]
        paragraphs.append(_paragraph(chunk, slots))
    final = [s for s in ph.CLOSINGS if s.endswith("./.")]
    plain = [s for s in ph.CLOSINGS if not s.endswith("./.")]
    paragraphs.append(_paragraph([rng.choice(plain), rng.choice(final)], slots))
    if serial in ABBREVIATION_NOTE_SERIALS:  # after every draw: the other text is unchanged
        note = ph.ABBREVIATION_NOTES[ABBREVIATION_NOTE_SERIALS.index(serial)]
        paragraphs[0] = f"{paragraphs[0]} {note}"

    captions = rng.sample(ph.CAPTIONS + ph.SECTION_CAPTIONS[section], headline.images)
    figure_after = {0: 1, count // 2: 2} if headline.images == 2 else {0: headline.images}
    blocks: list[str | Figure] = []
    for i, paragraph in enumerate(paragraphs):
        blocks.append(paragraph)
        number = figure_after.get(i, 0)
        if number:
            blocks.append(Figure(number, captions[number - 1].format_map(slots)))
    return Body(tuple(blocks), _author(rng), _attachments(rng, slots, published))
