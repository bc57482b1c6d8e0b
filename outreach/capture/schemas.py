"""What capture accepts and returns: a password goes in, and never comes out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import EmailStr, Field, SecretStr, StringConstraints

from outreach.core.schemas import Out, Strict, UtcTime
from outreach.domain.vocabulary import AccountStatus, CalendarKind, MailSecurity

Host = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=253, pattern=r"^[^\s/:@]+$")
]
FolderName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class MailAccountIn(Strict):
    host: Host = Field(title="IMAP server")
    port: Annotated[int, Field(ge=1, le=65535)] = 993
    security: MailSecurity = MailSecurity.TLS
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)] = Field(title="User name")
    password: Annotated[SecretStr, Field(min_length=1, max_length=1000)]
    # Besides INBOX and the \Sent folder, e.g. "[Gmail]/All Mail" (counted once with the others).
    folders: Annotated[list[FolderName], Field(max_length=20, default_factory=list, title="More folders")]


class MailAccountOut(Out):
    id: int
    host: str
    port: int
    security: MailSecurity
    username: str
    folders: list[str]
    status: AccountStatus
    last_synced_at: UtcTime | None
    last_error: str | None


class MailAccountPatch(Strict):
    status: Literal["active", "paused"]  # failing is the server's word, never the user's


class DisconnectQuery(Strict):
    delete_touches: bool = False  # also delete the touches this account made


class SyncCountsOut(Out):
    """What one sync read: new messages per classification, and what they made."""

    read: int
    new: int
    by_class: dict[str, int]
    duplicates: int
    touches: int
    replies: int
    folders: dict[str, int]  # new messages per folder


class MailSyncOut(MailAccountOut):
    sync: SyncCountsOut


class CalendarAccountIn(Strict):
    kind: CalendarKind = CalendarKind.CALDAV
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^(https?|webcal)://\S+$")] = Field(
        title="Address"
    )
    username: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = ""
    password: Annotated[SecretStr, Field(max_length=1000)] = SecretStr("")


class CalendarAccountOut(Out):
    id: int
    kind: CalendarKind
    label: str
    status: AccountStatus
    last_synced_at: UtcTime | None
    last_error: str | None


class MeetingCountsOut(Out):
    meetings: int
    touches: int


class CalendarSyncOut(CalendarAccountOut):
    sync: MeetingCountsOut


class SuggestedContactOut(Out):
    email: str
    name: str
    messages: int
    last_at: UtcTime


class SuggestedContactIn(Strict):
    email: EmailStr
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
