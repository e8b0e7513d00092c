"""Every admin page a French owner can reach reads French: no English word of the
interface, no message id, and French typography (a narrow no-break space before « : ; ! ? »
and inside guillemets). The pages are found by following the links of the landing page,
so a new page is checked as soon as something links to it. What an owner or a caller typed
(a script's YAML, a transcript, a caller's name) is data and is not judged."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.twilio.simulator import DialOutcome, HangUp, LeaveMessage, Press
from tests.admin.helpers import create_accounts, login
from tests.conftest import DEMO_FR
from tests.twilio_sim import TestTwilioSim

# Words of the interface that are English and never French. Kept to words a French page
# could only show by mistake: "message", "agenda", "contacts", "script", "menu", "minutes",
# "export", "mon", "mar.", "oct.", "nov." are French too.
ENGLISH = frozenset("""
the and with from to of for your you this that these none yes no call calls caller
booked booking bookings cancelled canceled completed status busy failed in-progress
no-answer ringing queued inbox settings save delete cancel block unblock week today
tomorrow yesterday free closed past details summary outcome transfer answered missed
left hours open opening appointment appointments new edit back next previous logout
password sign name number recording listen play download dashboard form publish draft
preview run trial choice choices monday tuesday wednesday thursday friday saturday
sunday january february march april may june july august september october november
december tue wed thu fri sat sun jan feb apr jun jul aug sep dec am pm seconds days day
""".split())  # noqa: SIM905 - a word list reads better so

# Where an owner's or a caller's own words are shown: data, not the interface.
DATA_TAGS = frozenset({"script", "style", "textarea", "pre", "code", "option", "audio",
                       "svg"})
# A message id that was never translated: admin.calls_14_days, script.problem.x…
MESSAGE_ID = re.compile(r"\b(?:admin|refusal|script|call|flow|booking|summary|sms|email|"
                        r"digest|notice|page|agenda|dashboard)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b")
# French typography: a plain space where a narrow no-break one belongs.
BAD_SPACING = re.compile(r"(?: [;:!?»])|(?:« )")
WORD = re.compile(r"[A-Za-zÀ-ÿ'’-]+")


class _Text(HTMLParser):
    """The text a reader sees, outside data elements, and the links of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._data_class = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in DATA_TAGS:
            self._skip += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in ("title", "aria-label", "placeholder", "alt"):
            if values.get(name) and not self._skip:
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in DATA_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _read(html_text: str) -> _Text:
    parser = _Text()
    parser.feed(html_text)
    return parser


def _pages(client: TestClient, start: str, scope: str, limit: int = 60) -> dict[str, str]:
    """GET pages reachable from `start` by links under `scope`, text/html only."""
    seen: dict[str, str] = {}
    paths: set[str] = set()  # one page per path: the agenda links every free slot
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if urlsplit(url).path in paths:
            continue
        paths.add(urlsplit(url).path)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.headers.get(
                "content-type", ""):
            seen[url] = ""
            continue
        seen[url] = response.text
        for link in _read(response.text).links:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(scope) and path not in seen and not path.endswith(
                    (".csv", "/audio", ".wav", ".mp3", "/logout")):
                queue.append(path)
    return {url: page for url, page in seen.items() if page}


def _faults(page: str) -> list[str]:
    # Plain whitespace only: str.split() would take no-break spaces for plain ones too.
    text = re.sub(r"[ \t\r\n]+", " ", " ".join(_read(page).parts))
    faults = [f"message id {m!r}" for m in sorted(set(MESSAGE_ID.findall(text)))]
    text = MESSAGE_ID.sub(" ", text)
    text = re.sub(r"\{[a-z_]+\}", " ", text)  # a placeholder an operator may write, as is
    for word in sorted({w.lower() for w in WORD.findall(text)} & ENGLISH):
        at = re.search(rf"(?i)(?<![A-Za-zÀ-ÿ'’-]){re.escape(word)}(?![A-Za-zÀ-ÿ'’-])", text)
        around = text[max(0, at.start() - 25):at.end() + 10] if at else ""
        faults.append(f"English word {word!r} in {around!r}")
    for match in BAD_SPACING.finditer(text):
        around = text[max(0, match.start() - 25):match.end() + 10]
        faults.append(f"plain space in {around!r}")
    return faults


@pytest.fixture
def lived_in(sim: TestTwilioSim, session: Session) -> None:
    """A French business with a message, a booking and an unanswered transfer."""
    create_accounts(session)
    sim.call(DEMO_FR, [Press("2"), LeaveMessage(4)], from_="+33612345678")
    sim.call(DEMO_FR, [Press("1"), Press("1"), Press("1"), HangUp()], from_="+33612345679")
    sim.call(DEMO_FR, [Press("0"), DialOutcome("no-answer"), LeaveMessage(3)],
             from_="+33612345670")


@pytest.mark.usefixtures("lived_in")
def test_every_page_of_a_french_owner_reads_french(client: TestClient) -> None:
    login(client, "owner@demo-fr.test")
    pages = _pages(client, "/admin", "/admin")
    assert len(pages) >= 5, sorted(pages)
    faults = {url: found for url, page in pages.items() if (found := _faults(page))}
    assert not faults, "\n".join(f"{url}: {', '.join(found)}" for url, found in faults.items())


def test_the_checks_catch_what_they_look_for() -> None:
    english = "<html><body><p>Appels reçus</p><button>Save</button></body></html>"
    assert _faults(english) == ["English word 'save' in 'Appels reçus Save'"]
    assert _faults("<p>admin.calls_14_days</p>") == ["message id 'admin.calls_14_days'"]
    assert _faults("<p>Statut : ouvert</p>")[0].startswith("plain space")
    assert _faults("<p>Statut\u202f: ouvert « oui\u202f» ?</p>")[0].startswith("plain space")
    assert _faults("<p>Statut\u202f: «\u202foui\u202f»\u202f?</p><pre>the key: value</pre>"
                   "<textarea>press 3 ?</textarea>") == []
