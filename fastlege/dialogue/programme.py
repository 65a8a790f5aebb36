"""A meeting's programme: parsing it as organisers write it, and checking it.

Organisers write programmes the way the invitations in the sources do, one
item per line, starting with a time:

    09:00-09:10 Velkommen
    09:35 - 09:40 Pause
    12:00 Lunsj
    14:30 Åpen mikrofon
    Det åpnes for innspill fra salen à 3-5 min lengde
    15:20 Møteslutt

A line with a range has its own end; a line with only a start ends where the
next item starts (the last one at the end of the meeting). Lines without a time
describe the item above. «Møteslutt» (or «Slutt») marks the end. An optional
``| speaker`` at the end of a line names the speaker.

The checks: every item ends after it starts, no two items overlap, and all
items lie within the meeting (from «registrering fra», if set, to the end).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from fastlege.dialogue.models import ProgrammeItem
from fastlege.dialogue.services.errors import Code, refuse

Kind = ProgrammeItem.Kind

_TIME = r"(\d{1,2})[:.](\d{2})"
_LINE = re.compile(rf"^\s*(?:kl\.?\s*)?{_TIME}(?:\s*[-–—]\s*{_TIME})?\s*(?P<rest>.*)$", re.I)
_MINUTES = re.compile(r"(\d+)\s*(?:[-–]\s*(\d+))?\s*min", re.I)

# first matching keyword decides the kind (lower-case, Norwegian as in the sources)
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("møteslutt", Kind.END),
    ("kaffe og registrering", Kind.ARRIVAL),
    ("registrering", Kind.ARRIVAL),
    ("velkommen", Kind.WELCOME),
    ("lunsj", Kind.MEAL),
    ("pause", Kind.BREAK),
    ("gruppearbeid", Kind.GROUP_WORK),
    ("gruppediskusjon", Kind.GROUP_WORK),
    ("åpen mikrofon", Kind.OPEN_MIC),
    ("oppsummering", Kind.SUMMARY),
    ("diskusjon", Kind.DISCUSSION),
)
_END_TITLES = {"møteslutt", "slutt", "møtet slutter"}


@dataclass
class Item:
    start: datetime.time
    end: datetime.time | None
    title: str
    kind: str = Kind.TALK
    speaker: str = ""
    description_lines: list[str] = field(default_factory=list)
    minutes_per_speaker: int | None = None

    @property
    def description(self) -> str:
        return "\n".join(self.description_lines)


def guess_kind(title: str) -> str:
    low = title.lower()
    for word, kind in _KIND_WORDS:
        if word in low:
            return kind
    return Kind.TALK


def _time(hours: str, minutes: str, line_no: int) -> datetime.time:
    try:
        return datetime.time(int(hours), int(minutes))
    except ValueError:
        refuse(Code.PROGRAMME_BAD_LINE, line=line_no)


def parse(text: str, meeting_end: datetime.time) -> list[Item]:
    """Items of a programme written as text; ends filled in; not yet checked."""
    items: list[Item] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            if not items:
                refuse(Code.PROGRAMME_BAD_LINE, line=line_no)
            items[-1].description_lines.append(line)
            continue
        h1, m1, h2, m2 = match.group(1, 2, 3, 4)
        rest = match["rest"].strip()
        title, _sep, speaker = (part.strip() for part in rest.partition("|"))
        if not title:
            refuse(Code.PROGRAMME_BAD_LINE, line=line_no)
        start = _time(h1, m1, line_no)
        end = _time(h2, m2, line_no) if h2 is not None else None
        items.append(Item(start=start, end=end, title=title, speaker=speaker))
    if not items:
        refuse(Code.PROGRAMME_EMPTY)
    for i, item in enumerate(items):
        item.kind = guess_kind(item.title)
        if item.kind == Kind.END or item.title.lower() in _END_TITLES:
            item.kind = Kind.END
            item.end = item.end or item.start
        elif item.end is None:
            item.end = items[i + 1].start if i + 1 < len(items) else meeting_end
        if item.kind == Kind.OPEN_MIC:
            minutes = _MINUTES.search(" ".join([item.title, *item.description_lines]))
            if minutes:
                item.minutes_per_speaker = int(minutes.group(2) or minutes.group(1))
    return items


def check(
    items: Sequence[Item],
    *,
    meeting_start: datetime.time,
    meeting_end: datetime.time,
    doors_open: datetime.time | None = None,
) -> None:
    """Refuse a programme whose items do not fit the meeting or overlap."""
    if not items:
        refuse(Code.PROGRAMME_EMPTY)
    earliest = doors_open or meeting_start
    ordered = sorted(items, key=lambda it: (it.start, it.end or it.start))
    for item in ordered:
        end = item.end or item.start
        if end < item.start or (end == item.start and item.kind != Kind.END):
            refuse(Code.PROGRAMME_ITEM_TIME, title=item.title)
        if item.start < earliest or end > meeting_end:
            refuse(
                Code.PROGRAMME_OUTSIDE_MEETING,
                title=item.title,
                start=f"{earliest:%H:%M}",
                end=f"{meeting_end:%H:%M}",
            )
    for first, second in zip(ordered, ordered[1:], strict=False):
        if second.start < (first.end or first.start):
            refuse(Code.PROGRAMME_OVERLAP, first=first.title, second=second.title)


def as_text(items: Sequence[ProgrammeItem]) -> str:
    """A saved programme written back as text, for editing."""
    lines = []
    for item in items:
        if item.kind == Kind.END:
            head = f"{item.start_time:%H:%M} {item.title}"
        else:
            head = f"{item.start_time:%H:%M}-{item.end_time:%H:%M} {item.title}"
        if item.speaker:
            head += f" | {item.speaker}"
        lines.append(head)
        lines.extend(line for line in item.description.splitlines() if line.strip())
    return "\n".join(lines)
