"""Which mail is a conversation between people, and which is bulk, automated or an out-of-office reply.

Pure: header facts in, a classification out; no IMAP, no database. The rules follow RFC 3834
(Auto-Submitted), RFC 2369/2919 (List-*), the de-facto Precedence and X-Autoreply headers, and the
subjects auto-replies carry in English, German, French and Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from outreach.domain.vocabulary import Classification

MAX_RECIPIENTS = 20  # more than this is a mass mailing, not a conversation

AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*("
    r"automatic reply|auto(?:matic)?[- ]?reply|auto(?:matic)? response|autoresponse|out of (?:the )?office|"
    r"away from (?:the )?office|on (?:vacation|holiday|leave)|vacation reply|i am (?:currently )?away|"
    r"abwesenheitsnotiz|automatische antwort|abwesenheit|nicht im büro|außer haus|"
    r"réponse automatique|absence du bureau|absent(?:e)? du bureau|message d'absence|en congés?|"
    r"respuesta automática|fuera de (?:la )?oficina|ausente|ausencia|respuesta de ausencia"
    r")\b",
    re.IGNORECASE,
)
NO_REPLY_LOCAL = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply-.*|.*[-_.]noreply|notifications?|notify|"
    r"mailer-daemon|postmaster|bounces?(?:[-+].*)?|auto(?:mated)?[-_.]?(?:confirm|mailer)?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Envelope:
    """What a message's header says, decoded: the facts capture keeps and classifies by."""

    message_key: str
    sent_at: datetime  # naive UTC
    from_address: str  # lower case
    from_name: str
    recipients: list[tuple[str, str]]  # To and Cc: (address lower case, display name)
    subject: str
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    list_id: bool = False
    list_unsubscribe: bool = False
    precedence: str = ""
    auto_submitted: str = ""
    x_autoreply: bool = False
    x_autorespond: bool = False


def is_no_reply(address: str) -> bool:
    return bool(NO_REPLY_LOCAL.match(address.partition("@")[0]))


def classify(mail: Envelope) -> Classification:
    """Out-of-office first (they often also say Precedence: bulk), then automated, then bulk."""
    submitted = mail.auto_submitted.strip().lower()
    precedence = mail.precedence.strip().lower()
    if (
        submitted.startswith("auto-replied")
        or mail.x_autoreply
        or mail.x_autorespond
        or precedence == "auto_reply"
        or AUTO_REPLY_SUBJECT.match(mail.subject or "")
    ):
        return Classification.AUTO_REPLY
    if (submitted and submitted != "no") or is_no_reply(mail.from_address):
        return Classification.AUTOMATED
    if mail.list_id or mail.list_unsubscribe or precedence in ("bulk", "list", "junk") or len(mail.recipients) > MAX_RECIPIENTS:
        return Classification.BULK
    return Classification.PERSON


MONTHS = {
    # English, German, French, Spanish; the first three letters suffice for most.
    1: ("jan", "januar", "janvier", "janv", "enero", "ene", "jänner"),
    2: ("feb", "februar", "février", "févr", "fevrier", "febrero"),
    3: ("mar", "märz", "maerz", "mars", "marzo"),
    4: ("apr", "april", "avril", "avr", "abril", "abr"),
    5: ("may", "mai", "mayo"),
    6: ("jun", "june", "juni", "juin", "junio"),
    7: ("jul", "july", "juli", "juillet", "juil", "julio"),
    8: ("aug", "august", "août", "aout", "agosto", "ago"),
    9: ("sep", "sept", "september", "septembre", "septiembre", "set"),
    10: ("oct", "october", "oktober", "okt", "octobre", "octubre"),
    11: ("nov", "november", "novembre", "noviembre"),
    12: ("dec", "december", "dezember", "dez", "décembre", "decembre", "diciembre", "dic"),
}
MONTH_WORDS = {word: number for number, words in MONTHS.items() for word in words}
_MONTH = r"([a-zäéû]{3,10})\.?"
# Words that introduce the day someone is back (or the last day they are away).
ANCHOR = re.compile(
    r"(back|return(?:ing)?|returns|until|till|through|in the office|"
    r"zurück|wieder|bis(?: zum| einschließlich)?|ab dem|"
    r"retour|de retour|jusqu'au|jusqu’au|à partir du|"
    r"regreso|regresaré|de vuelta|hasta(?: el)?|volveré|a partir del)\b",
    re.IGNORECASE,
)
DATE_FORMS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),  # 2026-01-12
    re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}(?!\d)))?"),  # 12.01.2026, 12/01, day first
    re.compile(r"(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?" + _MONTH + r"(?:\s+(?:de\s+)?(\d{4}))?", re.IGNORECASE),
    re.compile(_MONTH + r"\s+(\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", re.IGNORECASE),  # January 12, 2026
]
LOOKAHEAD = 60  # characters after an anchor word where its date may stand


def return_date(text: str, sent_at: datetime) -> date | None:
    """The day an out-of-office reply says its writer is back, if it names one within a year."""
    for anchor in ANCHOR.finditer(text or ""):
        window = text[anchor.end() : anchor.end() + LOOKAHEAD]
        found = _first_date(window, sent_at.date())
        if found is not None:
            return found
    return None


def _first_date(window: str, sent: date) -> date | None:
    candidates: list[tuple[int, date]] = []
    for number, form in enumerate(DATE_FORMS):
        for match in form.finditer(window):
            day = _as_date(number, match.groups(), sent)
            if day is not None and sent <= day <= sent + timedelta(days=366):
                candidates.append((match.start(), day))
                break
    return min(candidates)[1] if candidates else None


def _as_date(form: int, parts: tuple[str | None, ...], sent: date) -> date | None:
    first, second, third = (part or "" for part in parts[:3])
    if form == 0:
        return _valid(int(first), int(second), int(third))
    year: str = third
    if form == 1:
        day, month = int(first), int(second)
    elif form == 2:
        day, month = int(first), _month(second)
    else:
        day, month = int(second), _month(first)
    if not month:
        return None
    if year:
        full = int(year) + (2000 if len(year) == 2 else 0)
        return _valid(full, month, day)
    # No year: the first such day on or after the message.
    this_year = _valid(sent.year, month, day)
    if this_year is not None and this_year >= sent:
        return this_year
    return _valid(sent.year + 1, month, day)


def _month(word: str) -> int:
    """A month's number from its name or abbreviation in any of the four languages; 0 if it is none."""
    word = word.lower()
    return MONTH_WORDS.get(word) or MONTH_WORDS.get(word[:3], 0)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
