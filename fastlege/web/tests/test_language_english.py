"""The citizen's pages in English (issue 20, item 8).

The language is the one chosen with the footer's switch (a cookie), never the
browser's ``Accept-Language`` (``fastlege/core/language.py``). The English catalogue
(``fastlege/locale/en``) must translate every string of the citizen's pages, and the
compiled ``.mo`` must say the same as the ``.po``: the pages themselves are read in
English (visible text, as ``test_language`` reads it) and none of the Norwegian
strings those pages are built from may still be there.
"""

from __future__ import annotations

import datetime
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.registry.models import ListReduction, Notification, SwitchRequest
from fastlege.registry.services import cancel_list_reduction, prepare_list_reduction
from fastlege.registry.tests.factories import add_members, gp_list, user_with
from fastlege.watches.services import watch_list, watch_search
from fastlege.web.tests.conftest import World
from fastlege.web.tests.test_language import visible

APP = Path(settings.BASE_DIR)
CATALOGUE = APP / "locale" / "en" / "LC_MESSAGES"
#: The sources of the citizen's pages: every string in them has English.
CITIZEN_SOURCES = (
    "web/templates/web/citizen/",
    "core/templates/base.html",
    "web/templates/web/about.html",
    "web/templates/web/draw.html",
    "web/views/citizen.py",
    "registry/services/receipts.py",
    "web/context_processors.py",
    # the public GP and practice pages, and "si fra når det blir plass"
    "web/templates/web/public/gp.html",
    "web/templates/web/public/practice.html",
    "web/views/public.py",
    "watches/templates/",
    "watches/views.py",
    "watches/forms.py",
    "watches/errors.py",
    "watches/services.py",
)
#: Also read on those pages (the search form, a status): any of their strings that a
#: citizen's page shows must be in English too.
SHARED_SOURCES = ("web/forms.py", "registry/models.py", "web/selectors.py")


@dataclass
class Entry:
    msgid: str
    plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    fuzzy: bool = False


def _unquote(lines: list[str]) -> str:
    text = "".join(re.findall(r'"(.*)"', line)[0] for line in lines)
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def catalogue() -> list[Entry]:
    """The English .po, entry by entry (no third-party parser needed)."""
    entries = []
    for block in (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {}
        current = ""
        entry = Entry("")
        for line in block.splitlines():
            if line.startswith("#:"):
                entry.sources += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
            elif line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            elif match := re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line):
                current = match.group(1)
                parts[current] = [match.group(2)]
            elif line.startswith('"') and current:
                parts[current].append(line)
        if "msgid" not in parts or not _unquote(parts["msgid"]):
            continue
        entry.msgid = _unquote(parts["msgid"])
        entry.plural = _unquote(parts.get("msgid_plural", []))
        entry.msgstr = [_unquote(v) for k, v in sorted(parts.items()) if k.startswith("msgstr")]
        entries.append(entry)
    return entries


def _from(entry: Entry, sources: tuple[str, ...]) -> bool:
    return any(s.startswith(sources) for s in entry.sources)


def test_every_string_of_the_citizen_pages_has_english_and_the_mo_is_compiled() -> None:
    entries = [e for e in catalogue() if _from(e, CITIZEN_SOURCES)]
    assert len(entries) > 150
    missing = [e.msgid for e in entries if e.fuzzy or not all(e.msgstr)]
    assert not missing, missing
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        e.msgid
        for e in entries
        if (compiled.ngettext(e.msgid, e.plural, 1) if e.plural else compiled.gettext(e.msgid))
        != e.msgstr[0]
    ]
    assert not stale, f"run compilemessages: {stale}"


def test_the_catalogue_knows_every_string_of_the_citizen_templates() -> None:
    """makemessages was run after the templates changed: each {% translate %} is there."""
    known = {e.msgid for e in catalogue()}
    templates = [*(APP / "web/templates/web/citizen").glob("*.html")]
    templates += [APP / "core/templates/base.html", APP / "web/templates/web/about.html"]
    templates += [APP / "web/templates/web/draw.html"]
    templates += [APP / "web/templates/web/public/gp.html"]
    templates += [APP / "web/templates/web/public/practice.html"]
    templates += [*(APP / "watches/templates/watches").glob("*.html")]
    for template in templates:
        text = template.read_text(encoding="utf-8")
        for msgid in re.findall(r"{% translate \"([^\"]+)\"", text) + re.findall(
            r"{% translate '([^']+)'", text
        ):
            assert msgid in known, f"{template.name}: «{msgid}» is not in the catalogue"


def _fragments(entry: Entry) -> list[tuple[str, bool]]:
    """What of a Norwegian string can be looked for on a page: (text, whole chunk only).
    A one-word string (a heading, a button) must be a whole piece of text, so that
    «Legekontor 3», a practice's name, is no hit for «Legekontor»; a longer one is
    looked for inside the text, cut at its placeholders and tags."""
    found = []
    for msgid in filter(None, (entry.msgid, entry.plural)):
        for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>|%s|%d", msgid):
            piece = piece.strip(" .,:;()")
            if " " not in piece:
                if piece and piece == msgid.strip():
                    found.append((piece, True))
            elif len(piece) >= 12:
                found.append((piece, False))
    return found


def norwegian_left(url: str, html: str, entries: list[Entry]) -> list[str]:
    # Identifiers and names are no text to translate (a pseudonym, the brand «fastlege»).
    chunks = [c.text for c in visible(html).chunks if not c.identifier]
    left = []
    for entry in entries:
        if entry.msgstr and entry.msgstr[0] == entry.msgid:
            continue  # the same in both («Status», «Pseudonym»)
        for text, whole in _fragments(entry):
            if any(chunk == text if whole else text in chunk for chunk in chunks):
                left.append(f"{url}: «{text}»")
    return left


def english(client: Client) -> Client:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def test_every_citizen_page_reads_in_english(world: World) -> None:
    entries = [e for e in catalogue() if _from(e, CITIZEN_SOURCES + SHARED_SOURCES)]
    client = english(world.client("citizen"))
    c = world.citizen.pk
    read: list[tuple[str, str]] = []

    def get(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        read.append((url, html))
        return html

    # A waiting place with its receipt, and leaving it (asked first).
    get(reverse("web:join_waiting", args=[c]) + f"?agreement={world.full_list.pk}")
    done = client.post(
        reverse("web:join_waiting", args=[c]),
        {"agreement": world.full_list.pk, "bekreft": "ja"},
    )
    get(done["Location"])
    get(reverse("web:leave_waiting", args=[c]))
    # A switch: the summary (which says the waiting place is lost), the receipt, cancelling.
    get(reverse("web:switch", args=[c]) + f"?agreement={world.free_list.pk}")
    done = client.post(
        reverse("web:switch", args=[c]), {"agreement": world.free_list.pk, "bekreft": "ja"}
    )
    get(done["Location"])
    pending = SwitchRequest.objects.get(resident=world.citizen)
    get(reverse("web:cancel_switch", args=[c, pending.pk]))
    # Watching a list and a search ("si fra når det blir plass"), and the page of both.
    watch_list(world.users["citizen"], world.citizen, world.full_list)
    watch_search(world.users["citizen"], world.citizen, "5001", {"sex": "K"})
    # A reduction that moved the citizen's child: the draw on Meldinger and its page.
    reduction = _reduction_with(world)
    for url in [
        reverse("web:gp_page", args=[world.full_list.pk]),
        reverse("web:gp_page", args=[world.free_list.pk]),
        reverse("web:practice_page", args=[world.full_list.practice_id]),
        reverse("watches:watches", args=[c]),
        reverse("web:waiting_time_method"),
        reverse("web:person", args=[c]),
        reverse("web:person", args=[world.child.pk]),
        reverse("web:history", args=[c]),
        reverse("web:find_for", args=[c]) + "?kommune=5001",
        reverse("web:notifications", args=[c]),
        reverse("web:notifications", args=[world.child.pk]),
        reverse("web:opt_out", args=[c]),
        reverse("web:about"),
        reverse("web:draw", args=[reduction.pk]),
        reverse("web:find_gp") + "?kommune=5001",
    ]:
        get(url)
    assert 'data-testid="own-draw"' in read[-5][1]  # the child's Meldinger
    assert Notification.objects.filter(kind=Notification.Kind.RECEIPT).count() == 2
    left = [v for url, html in read for v in norwegian_left(url, html, entries)]
    assert not left, "\n".join(left)
    assert "My GP" in read[-10][1] and "Messages" in read[-6][1]


def _reduction_with(world: World) -> ListReduction:
    """A reduction of the child's list that moves the child's household (the citizen
    and the child): the first seed that draws it."""
    source = world.open_list
    add_members(source, 4)
    source.ceiling = source.memberships.filter(valid_to__isnull=True).count() - 4
    source.save()
    muni = user_with(Role.MUNICIPALITY, municipality_id="5001")
    today = datetime.date.today()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    for seed in range(200):
        reduction = prepare_list_reduction(
            muni, source, effective_on=first, plan=[(gp_list(ceiling=50), 2)], seed=seed
        )
        if reduction.draws.filter(resident=world.child).exists():
            return reduction
        cancel_list_reduction(muni, reduction)
    raise AssertionError("no seed drew the household")


def test_bokmal_without_a_choice_even_for_an_english_browser(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = client.get(reverse("web:about")).content.decode()
    assert '<html lang="nb">' in html and "Hjelp på telefon" in html
    english(client)
    html = client.get(reverse("web:about")).content.decode()
    assert '<html lang="en">' in html and "Help by phone" in html
    assert 'value="nb"' in html  # and the way back
