"""Reading a message's header (and, for out-of-office replies, the start of its text) into an Envelope.

Pure: bytes in, plain values out. The standard library's parser with ``policy.default`` decodes
RFC 2047 words (``=?iso-8859-1?Q?…?=``) and address lists.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from outreach.capture.classify import Envelope

# What capture asks the server for: nothing else of a message is ever fetched, except the first
# TEXT_BYTES of an auto-reply's text for its return date.
HEADER_FIELDS = (
    "FROM",
    "TO",
    "CC",
    "DATE",
    "SUBJECT",
    "MESSAGE-ID",
    "IN-REPLY-TO",
    "REFERENCES",
    "LIST-ID",
    "LIST-UNSUBSCRIBE",
    "PRECEDENCE",
    "AUTO-SUBMITTED",
    "X-AUTOREPLY",
    "X-AUTORESPOND",
)
# Read only for an auto-reply's text: parsing a Content-Type costs more than all the other fields together.
BODY_FIELDS = ("CONTENT-TYPE", "CONTENT-TRANSFER-ENCODING")
_BODY_LINES = re.compile(rb"^content-(?:type|transfer-encoding):[^\n]*\n(?:[ \t][^\n]*\n)*", re.IGNORECASE | re.MULTILINE)
TEXT_BYTES = 4096
MAX_REFERENCES = 20
_parser = BytesParser(policy=policy.default)


def message_ids(value: str | None) -> list[str]:
    """``<a@b> <c@d>`` as ["a@b", "c@d"], lower case (dedup needs no more than that)."""
    found: list[str] = []
    for part in (value or "").replace(">", "> ").split():
        token = part.strip().strip("<>,").lower()
        if "@" in token and token not in found and len(token) <= 255:
            found.append(token)
    return found


def _decoded(value: str) -> str:
    """RFC 2047 words decoded; anything undecodable kept as it came."""
    if "=?" not in value:
        return value
    try:
        # policy.default's own decoding: exact about the spaces around encoded words (make_header adds some).
        return " ".join(str(policy.default.header_factory("subject", value)).split())
    except (HeaderParseError, LookupError, UnicodeError, ValueError, IndexError):
        return value


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    """Addresses lower-cased with their decoded display names; groups and junk without an @ dropped."""
    found = []
    for name, address in _pairs(values):
        address = address.strip().strip("<>").lower()
        if "@" in address and len(address) <= 254:
            found.append((address, " ".join(_decoded(name).split())))
    return found


# `Name <a@b>`, `"Doe, Jane" <a@b>` and `a@b`: nearly every real header. Comments, groups and
# escapes go to email.utils.getaddresses, which is exact but several times slower.
SIMPLE_ADDRESS = re.compile(r'(?:"(?P<quoted>[^"\\]*)"|(?P<name>[^,"<>@]*?))\s*<(?P<angled>[^<>\s,]+)>|(?P<bare>[^\s,<>"]+)')
HARD = re.compile(r"[()\\:;]")


def _pairs(values: list[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for value in values:
        simple = _simple_pairs(value)
        pairs += simple if simple is not None else getaddresses([value])
    return pairs


def _simple_pairs(value: str) -> list[tuple[str, str]] | None:
    if HARD.search(value):
        return None
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(value):
        if value[position] in ", ":
            position += 1
            continue
        match = SIMPLE_ADDRESS.match(value, position)
        if match is None or match.end() == position:
            return None
        name = match["quoted"] if match["quoted"] is not None else (match["name"] or "")
        found.append((name.strip(), match["angled"] or match["bare"]))
        position = match.end()
    return found


def _fields(message: EmailMessage) -> dict[str, list[str]]:
    """Raw header values by lower-case name, unfolded. Read raw because the parsed header objects of
    ``policy.default`` cost about 100 µs each, and a first sync reads tens of thousands of headers."""
    fields: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        text = str(value).replace("\x00", "")
        if not text.isascii():
            # Raw UTF-8 in a header (RFC 6532) arrives as surrogate escapes: decode it, mend what is not UTF-8.
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        fields.setdefault(name.lower(), []).append(" ".join(text.split()))
    return fields


def _sent_at(raw: str, fallback: datetime) -> datetime:
    """The Date header as naive UTC; the server's arrival time when it is missing, broken or in the future."""
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return fallback
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if value.year < 1980 or value > fallback + timedelta(days=1):
        return fallback
    return value


def envelope(header: bytes, fallback: datetime) -> Envelope:
    """Everything capture keeps about one message, from its header bytes."""
    fields = _fields(_parser.parsebytes(_BODY_LINES.sub(b"", header), headersonly=True))

    def first(name: str) -> str:
        return fields.get(name, [""])[0]

    senders = _addresses(fields.get("from", []))
    from_address, from_name = senders[0] if senders else ("", "")
    sent_at = _sent_at(first("date"), fallback)
    subject = _decoded(first("subject"))[:300]
    ids = message_ids(first("message-id"))
    replied = message_ids(first("in-reply-to"))
    return Envelope(
        message_key=ids[0] if ids else stable_key(sent_at, from_address, subject),
        sent_at=sent_at,
        from_address=from_address,
        from_name=from_name[:200],
        recipients=_addresses(fields.get("to", []) + fields.get("cc", [])),
        subject=subject,
        in_reply_to=replied[0] if replied else None,
        references=message_ids(first("references"))[-MAX_REFERENCES:],
        list_id="list-id" in fields,
        list_unsubscribe="list-unsubscribe" in fields,
        precedence=first("precedence"),
        auto_submitted=first("auto-submitted"),
        x_autoreply="x-autoreply" in fields,
        x_autorespond="x-autorespond" in fields,
    )


def stable_key(sent_at: datetime, sender: str, subject: str) -> str:
    """A message without a Message-ID gets one from what does not change between copies of it."""
    digest = hashlib.sha256(f"{sent_at.isoformat()}\n{sender}\n{subject}".encode()).hexdigest()[:40]
    return f"{digest}@no-message-id.outreach"


def text_start(header: bytes, text: bytes) -> str:
    """The readable start of a message's text part, from its header and its first bytes."""
    message = _parser.parsebytes(header.rstrip(b"\r\n") + b"\r\n\r\n" + text)
    try:
        part = message.get_body(preferencelist=("plain", "html")) or message
        content = part.get_content()
    except (KeyError, LookupError, ValueError, AttributeError, TypeError, AssertionError):
        content = text.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        content = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else ""
    return content[:TEXT_BYTES]
