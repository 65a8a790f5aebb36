"""The interface speaks Norwegian to people (issue 16, item 8).

For each persona, every page it can reach from the home page and its menu is crawled
(same-site links, GET only) and its *visible* text — text nodes outside
``<script>``/``<style>``, plus the ``title``, ``aria-label``, ``placeholder`` and
``alt`` attributes — is checked for what a user must never read:

* internal keys: snake_case identifiers (``andel_liste_uten_lege``), file names
  (``domain.md``), the sources' internal ids ("Kilde 001"), Python reprs (``None``,
  ``True``, ``[]``), and English UI words Django or a template left untranslated;
* numbers written for programs: an integer of five or more digits without the
  Norwegian thousands separator (a no-break space, as ``stats.numbers.num`` writes
  it), a decimal point instead of a decimal comma, an ISO date («2027-01-01»).

Identifiers (organisation, HPR and postal numbers, list numbers …) are no figures: the
page marks them as such by their context — inside ``<code>`` or an element with a
``data-id`` attribute, or right after a label that names an identifier — never by
their value.

Every violation is collected with its page and text, so a failure is a to-do list.
"""

from __future__ import annotations

import datetime
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse

from fastlege.web.tests.conftest import World, make_world

pytestmark = pytest.mark.django_db

# --- What is visible ----------------------------------------------------------------

VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
HIDDEN_CONTENT = {"script", "style", "template", "noscript"}
#: An element whose content is an identifier, not a figure (a number a user types,
#: copies or reads out: organisation, HPR, postal and list numbers).
IDENTIFIER_TAGS = {"code", "kbd", "samp"}
#: The admin's columns of identifiers (Django marks each cell «field-<name>»).
IDENTIFIER_COLUMN = re.compile(
    r"\bfield-(?:id|hpr_number|org_number|nin|masked_nin|number|code|postal_code)\b"
)
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Chunk:
    """One piece of visible text, and whether its context marks it as an identifier."""

    text: str
    identifier: bool
    previous: str  # the visible text just before it (a label: "HPR-nummer")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, identifier context)
        self.hidden = 0
        self.chunks: list[Chunk] = []
        self.links: list[str] = []

    def _identifier(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _add(self, text: str, identifier: bool) -> None:
        text = text.strip()
        if text:
            previous = self.chunks[-1].text if self.chunks else ""
            self.chunks.append(Chunk(text, identifier, previous))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        identifier = (
            self._identifier()
            or tag in IDENTIFIER_TAGS
            or "data-id" in values
            or values.get("translate") == "no"
            or bool(IDENTIFIER_COLUMN.search(values.get("class") or ""))
        )
        if not self.hidden and values.get("type") != "hidden":
            for name in VISIBLE_ATTRIBUTES:
                if values.get(name):
                    self._add(values[name] or "", identifier)
        if tag in VOID:
            return
        self.stack.append((tag, identifier))
        if tag in HIDDEN_CONTENT:
            self.hidden += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for closed, _ident in self.stack[i:]:
                    if closed in HIDDEN_CONTENT:
                        self.hidden -= 1
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self._add(data, self._identifier())


def visible(html: str) -> _Visible:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser


# --- What must not be visible -------------------------------------------------------

SNAKE_KEY = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
FILE_NAME = re.compile(r"\b\w+\.(?:md|py|csv|json|html|txt|yaml|yml|po)\b", re.I)
SOURCE_ID = re.compile(r"\b(?:Kilde|Source|kilde)\s+\d{2,}\b|§\s*\d+\s+domain\b")
REPR = re.compile(r"(?<![\w.])(?:None|True|False)(?![\w])|<object\b|\[\]|\{\}|\bnan\b")
#: English words a Norwegian page must not show (case matters: «No» but not «no» in an
#: address; each would be a control or heading a template or form left in English).
ENGLISH = re.compile(
    r"(?<![\w.@/-])(?:Submit|Save|Delete|Search|Next|Previous|Page|Yes|No|Cancel|Edit|"
    r"Back|Home|Log ?in|Log ?out|Sign in|Download|Loading|Required|Unknown|Show|Hide|"
    r"Close|Select|Choose|Filter by|Results|results|Name|Date|Total|Error|Warning|"
    r"Reset|Clear|Apply|Update|Create|Remove|Details|More|Less|Email|Password|"
    r"Username|Municipality|County|Indicator|Value|Month|Year|Count|Share)(?![\w-])"
)
#: A date or month written for programs («2027-01-01», «2025-01»), not «1.1.2027»,
#: «januar 2025».
ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-\d{2}(?:-\d{2})?(?![\w-])")
#: A number of five or more digits (no separator); digits that are part of a word
#: («c70585», a hash) or masked («048470*****», an identity number) are no figure.
#: And a decimal point between digits.
LONG_NUMBER = re.compile(r"(?<![\w\u00a0\u202f,.])\d{5,}(?![\w*])")
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?:\.\d+)?(?![\d.])")
#: What is written with a point and is no decimal number: a date «3.12.2026»,
#: «03.12.» or «3.12.26», a time «09.00»; after «§» a section («§ 10.2»), after
#: «CC BY» a licence version («CC BY 4.0»).
DATE_OR_TIME = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})?|(?:[01]?\d|2[0-3])\.[0-5]\d)$")
#: A label that says the number after it is an identifier.
IDENTIFIER_LABEL = re.compile(
    r"(?:org\.?\s*nr|organisasjonsnummer|hpr|postnummer|telefon|tlf|avtalenummer|"
    r"listenummer|kommunenummer|saksnummer|fødselsnummer|d-nummer|nummer|tabell)\W*$",
    re.I,
)


def violations_in(url: str, page: _Visible | str) -> list[str]:
    found: list[str] = []
    for chunk in (visible(page) if isinstance(page, str) else page).chunks:
        text = chunk.text
        checks = [
            ("intern nøkkel", SNAKE_KEY),
            ("filnavn", FILE_NAME),
            ("kilde-id", SOURCE_ID),
            ("Python-verdi", REPR),
            ("ISO-dato", ISO_DATE),
            ("engelsk", ENGLISH),
        ]
        for what, pattern in checks:
            if chunk.identifier and pattern in (SNAKE_KEY, FILE_NAME):
                continue  # a code shown as a code: «Kode i eksport og API: <code>…</code>»
            for match in pattern.finditer(text):
                found.append(f"{url}: {what} «{match.group(0)}» i «{text[:120]}»")
        for match in DECIMAL_POINT.finditer(text):
            before = text[: match.start()].rstrip()
            if DATE_OR_TIME.match(match.group(0)) or before.endswith(("§", "CC BY")):
                continue
            if chunk.identifier:
                continue
            found.append(f"{url}: desimalpunktum «{match.group(0)}» i «{text[:120]}»")
        for match in LONG_NUMBER.finditer(text):
            if chunk.identifier or IDENTIFIER_LABEL.search(text[: match.start()] or chunk.previous):
                continue
            found.append(f"{url}: tall uten tusenskille «{match.group(0)}» i «{text[:120]}»")
    return found


# --- The known cases, owned by other engineers right now ----------------------------

#: (page pattern, offending text) that another engineer is fixing in files this branch
#: must not touch. The project lead removes each entry when its file is fixed.
KNOWN: list[tuple[str, str]] = []


def known(violation: str) -> bool:
    return any(re.search(path, violation) and text in violation for path, text in KNOWN)


# --- The crawl ----------------------------------------------------------------------

#: Never followed: leaving the session, downloads, exports and calendar files.
SKIP = re.compile(
    r"/logg-ut/|/admin/logout/|[?&]format=|/eksport/|\.ics$|\.csv$|\.xlsx$|\.json$|"
    r"/vedlegg/|/deltakere\.|/oppsummering\.|/admin/jsi18n/|/static/|/media/"
)
#: In the admin, only the lists and the pages of single objects: the filters and sort
#: orders show the same cells, and the empty forms only the fields' names (every one a
#: Norwegian ``verbose_name``, held to docs/glossary.md by ``core/tests/test_admin_glossary.py``).
ADMIN_SKIP = re.compile(r"\?|/add/$|/history/$|/delete/$|/password(?:_change)?/$")
MAX_PAGES = 90
MAX_ADMIN_PAGES = 80
#: How many pages of one shape of address are read (the same view with other ids, or
#: other values of the same query parameters): one sort order stands for all.
PER_PATH_SHAPE, PER_QUERY_SHAPE = 2, 1


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _normal(base: str, href: str) -> str | None:
    """The same-site address of a link (path and query), or None to leave it."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc != "testserver":
        return None
    path = parts.path
    if not path:
        path = urlsplit(base).path
    elif not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    url = path + ("?" + query if query else "")
    return None if SKIP.search(url) else url


#: A figure of five or more digits written the Norwegian way («212 660»).
GROUPED = re.compile(r"\d{1,3}(?:[\u00a0\u202f]\d{3})+(?!\d)")


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    grouped: int = 0  # how many figures of five or more digits were read


def crawl(client: Client, starts: list[str], *, admin: bool = False) -> Crawl:
    """Read the pages reachable from ``starts`` (breadth first): the site's, or with
    ``admin`` only the admin's."""
    result = Crawl()
    queue: deque[str] = deque(starts)
    seen: set[str] = set(starts)
    shapes: dict[str, int] = {}
    while queue and len(result.pages) < (MAX_ADMIN_PAGES if admin else MAX_PAGES):
        url = queue.popleft()
        if url.startswith("/admin/") != admin or (admin and ADMIN_SKIP.search(url)):
            continue
        shape = _shape(url)
        if shapes.get(shape, 0) >= (PER_QUERY_SHAPE if "?" in url else PER_PATH_SHAPE):
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        if response.status_code in (301, 302):
            target = _normal(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = visible(response.content.decode())
        result.violations += violations_in(url, page)  # error pages are read by people too
        if response.status_code != 200:
            continue
        result.pages.append(url)
        result.grouped += sum(len(GROUPED.findall(chunk.text)) for chunk in page.chunks)
        for href in page.links:
            target = _normal(url, href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return result


# --- The world ----------------------------------------------------------------------

BIG = {  # figures of a city, county and nation: every one needs its thousands separator
    "residents": 212_660,
    "on_lists": 210_123,
    "on_lists_with_gp": 205_432,
    "ceiling_sum": 215_001,
    "ceiling_sum_with_gp": 209_876,
    "unassigned": 12_345,
    "waiting": 10_987,
    "switches": 23_456,
}


def _fill_statistics() -> None:
    """Two filled months (so «fra forrige måned» has a value), then figures of a
    city's size for Trondheim, Trøndelag and the nation."""
    from fastlege.stats.models import AreaMonthCount
    from fastlege.stats.services import fill_month_from_registry

    this_month = datetime.date.today().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    for month in (last_month, this_month):
        fill_month_from_registry(None, month)
    big = AreaMonthCount.objects.filter(code__in=["5001", "50", ""])
    big.update(**{name: F(name) + value for name, value in BIG.items()})


def _measures_and_dialogue(world: World) -> None:
    """Something on every page: measures, a forum case with an indicator and a
    decision, a consultation with a submission, a meeting with a registration,
    minutes and a follow-up action, and a citizen waiting for a full list."""
    from fastlege.dialogue import services as dialogue
    from fastlege.dialogue.models import ForumParty
    from fastlege.dialogue.tests.factories import registration
    from fastlege.measures.tests.factories import measure
    from fastlege.registry.services.waiting import join_waiting_list

    measure("5001", value=250_000, status="aktiv", starts_on=datetime.date(2025, 1, 1))
    measure("5001", "fastlonn", value=None, status="planlagt")
    measure("5028", value=1_250_000, status="vedtatt", basis="totalt")
    ministry, governor = world.users["ministry"], world.users["county_governor"]
    party = ForumParty.objects.create(forum=world.forum, short_name="KS", name="KS")
    case = dialogue.open_case(
        ministry,
        world.forum.pk,
        title="Rekruttering",
        description="Færre lister uten fast lege.",
        indicator_codes=["andel_uten_lege"],
        raised_by_id=party.pk,
    )
    dialogue.record_decision(
        ministry, case.pk, text="Partene lager en felles plan.", decided_on=datetime.date.today()
    )
    now = datetime.datetime.now(tz=datetime.UTC)
    consultation = dialogue.create_consultation(
        governor,
        title="Innspill til regional handlingsplan",
        question="Hva bør kommunene gjøre sammen?",
        organiser_name="Statsforvalteren i Trøndelag",
        opens_at=now - datetime.timedelta(days=1),
        deadline=now + datetime.timedelta(days=30),
        themes=["Rekruttering", "Vikarordning"],
        county_id="50",
    )
    dialogue.submit(
        None,
        consultation.pk,
        dialogue.SubmissionData(
            name="Kari Nordmann",
            email="kari@example.no",
            submitter_kind="kommune",
            text="Vi trenger en felles vikarordning.",
            organisation="Trondheim kommune",
        ),
    )
    meeting = world.county_meeting
    dialogue.register(None, meeting.pk, registration(meeting.pk, 1))
    dialogue.save_minutes(
        governor, meeting.pk, minutes="Kommunene deler planene.", summary="Enighet om vikarer."
    )
    dialogue.add_action(
        governor,
        meeting.pk,
        what="Lage en felles vikarordning",
        responsible="Trondheim kommune",
        due=meeting.date + datetime.timedelta(days=60),
    )
    join_waiting_list(world.users["other_citizen"], world.other, world.full_list)


@pytest.fixture(scope="module")
def shared_world(django_db_setup: object, django_db_blocker: object) -> Iterator[World]:
    """One world for the module, made once in a transaction rolled back at the end."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = make_world()
            national = made.users["national"]
            national.is_staff = national.is_superuser = True  # as demo_users makes them
            national.save(update_fields=["is_staff", "is_superuser"])
            _measures_and_dialogue(made)
            _fill_statistics()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield made
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


PERSONAS = ["anonymous", "citizen", "gp", "municipality", "county_governor", "national", "ministry"]


def _starts(world: World) -> list[str]:
    """The home page, each role's start and the pages a menu leads to; a page the
    persona may not see is simply not read (403, 404 or the log-in page)."""
    return [
        reverse("home"),
        reverse("web:start"),
        reverse("web:find_gp") + "?kommune=5001",
        reverse("web:municipality", args=["5001"]),
        reverse("web:county", args=["50"]),
        reverse("web:national"),
        reverse("stats:municipality", args=["5001"]),
        reverse("stats:county", args=["50"]),
        reverse("stats:map") + "?fylke=50",
        reverse("measures:index"),
        reverse("measures:municipality", args=["5001"]),
        reverse("measures:county", args=["50"]),
        reverse("dialogue:forum", args=[world.forum.pk]),
        reverse("web:county_followup", args=["50", "5001"]),
        "/finnes-ikke/",  # the 404 page
    ]


def _report(persona: str, result: Crawl) -> str:
    left = [v for v in dict.fromkeys(result.violations) if not known(v)]
    if not left:
        return ""
    return f"{persona}: {len(left)} steder på {len(result.pages)} sider:\n" + "\n".join(left)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_speaks_norwegian_to_people(
    shared_world: World, db: object, persona: str
) -> None:
    result = crawl(shared_world.client(persona), _starts(shared_world))
    assert len(result.pages) >= 5, result.pages
    assert result.grouped, "the world's city-sized figures were read somewhere"
    assert not _report(persona, result)


def test_the_admin_shows_no_internal_keys_or_unformatted_figures(
    shared_world: World, db: object
) -> None:
    """The national administrator's admin pages: Django's own words are checked too,
    since Django's bokmål translation has gaps (filled in ``fastlege/locale``)."""
    result = crawl(shared_world.client("national"), ["/admin/"], admin=True)
    assert len(result.pages) >= 20, result.pages
    assert not _report("national (admin)", result)


def test_the_checker_finds_what_it_must() -> None:
    """The checks themselves, on made-up pages."""
    page = (
        "<h1 title='andel_liste_uten_lege'>Kilde 001</h1><p>231879 innbyggere, 12.4 %</p>"
        "<p>Se domain.md § 10</p><p>None</p><button>Save</button>"
        "<script>var a_b = 12345;</script>"
        "<p>231\u00a0879 og 12,4 % per 03.12.2026 kl. 09.00</p>"
        "<dl><dt>HPR-nummer</dt><dd>1234567</dd></dl><p>Org.nr. <code>912345678</code></p>"
        "<p>fra 2027-01-01, CC BY 4.0, <code>andel_uten_lege</code>, tabell 12005</p>"
        "<img src='x.png' alt='Yes'><input type='hidden' value='a_b'>"
        "<p>250000,00 kr; 048470***** og 0,12345; 01334e****</p>"
    )
    found = violations_in("/x/", page)
    assert len(found) == 10, "\n".join(found)
    for text in (
        "andel_liste_uten_lege",
        "Kilde 001",
        "231879",
        "12.4",
        "domain.md",
        "2027-01-01",
        "Yes",
        "250000",
    ):
        assert any(f"«{text}»" in v for v in found), text
    assert any("«None»" in v for v in found) and any("«Save»" in v for v in found)
