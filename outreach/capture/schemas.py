"""What capture accepts and returns: a password goes in, and never comes out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, SecretStr, StringConstraints

from outreach.core.schemas import Strict

Host = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=253, pattern=r"^[^\s/:@]+$")
]
FolderName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class MailAccountIn(Strict):
    host: Host
    port: Annotated[int, Field(ge=1, le=65535)] = 993
    security: Literal["tls", "starttls", "plain"] = "tls"
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    password: Annotated[SecretStr, Field(min_length=1, max_length=1000)]
    # Besides INBOX and the \Sent folder, e.g. "[Gmail]/All Mail" (counted once with the others).
    folders: Annotated[list[FolderName], Field(max_length=20, default_factory=list)]


class MailAccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    host: str
    port: int
    security: str
    username: str
    folders: list[str]
    status: str
    last_synced_at: datetime | None
    last_error: str | None


class MailAccountPatch(Strict):
    status: Literal["active", "paused"]


class DisconnectQuery(Strict):
    delete_touches: bool = False  # also delete the touches this account made


class CalendarAccountIn(Strict):
    kind: Literal["caldav", "ics"] = "caldav"
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^(https?|webcal)://\S+$")]
    username: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = ""
    password: Annotated[SecretStr, Field(max_length=1000)] = SecretStr("")


class CalendarAccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    label: str
    status: str
    last_synced_at: datetime | None
    last_error: str | None


class SuggestedContactOut(BaseModel):
    email: str
    name: str
    messages: int
    last_at: datetime


class SuggestedContactIn(Strict):
    email: EmailStr
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
