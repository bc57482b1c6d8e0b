"""Message templates and the bank of wins: what goes in, what the API returns."""

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, Field, StringConstraints

from outreach.core.errors import Say
from outreach.core.schemas import Id, Name, Out, Strict, Text, UtcTime, patch_of
from outreach.domain import plan
from outreach.domain.vocabulary import WinKind
from outreach.learning.models import Message


class MessageIn(Strict):
    name: Annotated[Name, Say(missing="Give the message a name.")]
    body: Text = Field("", title="Text")


MessagePatch = patch_of(MessageIn, "MessagePatch")


class MessageOut(Out):
    """A template; with its results (sends, replies, yeses, an honest verdict) where the list shows them."""

    id: int
    name: str
    body: str
    # Results are only known where the list computed them: absent there, not null, elsewhere.
    sends: int | MISSING = MISSING
    replies: int | MISSING = MISSING
    yeses: int | MISSING = MISSING
    yes_rate: float | MISSING | None = MISSING
    interval: list[float] | MISSING = MISSING
    verdict: str | MISSING = MISSING

    @classmethod
    def of(cls, message: Message, result: plan.MessageResult | None = None) -> MessageOut:
        if result is None:
            return cls.model_validate(message)
        low, high = result.interval
        return cls(
            id=message.id,
            name=message.name,
            body=message.body,
            sends=result.sends,
            replies=result.replies,
            yeses=result.yeses,
            yes_rate=result.yes_rate,
            interval=[round(low, 4), round(high, 4)],
            verdict=result.verdict(),
        )


class MessageList(Out):
    items: list[MessageOut]
    comparison: str
    total: int


class WinIn(Strict):
    kind: WinKind = WinKind.YES
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000), Say(missing="Write down what happened.")
    ] = Field(title="What happened")
    contact_id: Id | None = Field(None, title="Contact")
    ask_id: Id | None = Field(None, title="Ask")


class WinOut(Out):
    id: int
    kind: WinKind
    text: str
    contact_id: int | None
    ask_id: int | None
    created_at: UtcTime
