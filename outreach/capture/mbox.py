"""History from an archive: a Google Takeout or Thunderbird mbox, classified like IMAP mail.

The Message-ID rule means an archive and a live mailbox never count a message twice, whichever
comes first. Each message's bytes are read once and only its header is parsed (plus the first few
KB of an auto-reply's text).
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from sqlalchemy.orm import Session

from outreach.capture.classify import classify, return_date
from outreach.capture.meetings import identities_of
from outreach.capture.parse import TEXT_BYTES, envelope, text_start
from outreach.capture.store import Counts, Mail, address_book, store_mail
from outreach.core.caller import Caller
from outreach.core.errors import InvalidInput
from outreach.domain.vocabulary import Classification

BATCH = 1000
# Takeout marks what the user sent with a label; Thunderbird's Sent folder is its own file.
SENT_LABEL = re.compile(rb"^X-Gmail-Labels:[^\r\n]*\bSent\b", re.IGNORECASE | re.MULTILINE)
HEADER_END = re.compile(rb"\r?\n\r?\n")


def _split(raw: bytes) -> tuple[bytes, bytes]:
    found = HEADER_END.search(raw)
    return (raw[: found.end()], raw[found.end() :]) if found else (raw, b"")


def _from_line_date(raw: bytes, fallback: datetime) -> datetime:
    """The date on the mbox "From sender date" line: the arrival time, for a message without a usable Date."""
    line = raw.split(b"\n", 1)[0].decode("latin-1").split(None, 2)
    try:
        return parsedate_to_datetime(line[2]).replace(tzinfo=None) if len(line) == 3 else fallback
    except (TypeError, ValueError, IndexError):
        return fallback


def import_mbox(
    session: Session, me: Caller, path: Path, sent: bool = False, progress: Callable[[int], None] | None = None
) -> Counts:
    """Every message of the file, in batches committed by the caller's session as they go."""
    if not path.is_file():
        raise InvalidInput({"file": f"{path} is not a file"})
    box = mailbox.mbox(path, create=False)
    identities = identities_of(session, me)
    book = address_book(session, me.id)
    counts = Counts()
    batch: list[Mail] = []
    try:
        for key in box.iterkeys():
            raw = box.get_bytes(key, from_=True)
            header, body = _split(raw.split(b"\n", 1)[1] if raw.startswith(b"From ") else raw)
            found = envelope(header, _from_line_date(raw, me.now))
            kind = classify(found)
            item = Mail(found, kind, sent_by_user=sent or bool(SENT_LABEL.search(header)))
            if kind == Classification.AUTO_REPLY:
                said = found.subject + "\n" + text_start(header, body[:TEXT_BYTES])
                item.returns_on = return_date(said, found.sent_at)
            batch.append(item)
            if len(batch) >= BATCH:
                counts.add(store_mail(session, me, None, batch, identities, book))
                session.commit()
                if progress:
                    progress(len(batch))
                batch = []
    finally:
        box.close()
    counts.add(store_mail(session, me, None, batch, identities, book))
    session.commit()
    if progress:
        progress(len(batch))
    return counts


def message_count(path: Path) -> int:
    box = mailbox.mbox(path, create=False)
    try:
        return len(box)
    finally:
        box.close()
