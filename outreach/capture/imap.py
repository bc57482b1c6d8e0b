"""Talking to the user's IMAP server: connect safely, find the folders, read headers without a trace.

Read-only by construction: folders are opened with EXAMINE and messages fetched with BODY.PEEK, so
nothing is marked read and nothing is ever written. Errors become one plain sentence that never
contains the password.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from outreach.capture.parse import BODY_FIELDS, HEADER_FIELDS, TEXT_BYTES
from outreach.domain.vocabulary import FolderRole

TIMEOUT_SECONDS = 30
CHUNK = 500  # UIDs per FETCH: long enough to stream, short enough to commit progress often
HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS)})]"
HEADER_KEY = f"BODY[HEADER.FIELDS ({' '.join(HEADER_FIELDS)})]".encode()
TEXT_ITEM = f"BODY.PEEK[TEXT]<0.{TEXT_BYTES}>"
TEXT_KEY = b"BODY[TEXT]<0>"
BODY_HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS ({' '.join(BODY_FIELDS)})]"
BODY_HEADER_KEY = f"BODY[HEADER.FIELDS ({' '.join(BODY_FIELDS)})]".encode()


class MailServerError(Exception):
    """Connecting, logging in or reading failed; the message is a sentence for the user."""

    def __init__(self, field: str, sentence: str) -> None:
        super().__init__(sentence)
        self.field = field
        self.sentence = sentence


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str  # tls | starttls | plain
    username: str
    password: str


@dataclass(frozen=True)
class Folder:
    name: str
    role: FolderRole


@dataclass(frozen=True)
class Fetched:
    uid: int
    header: bytes
    arrived: datetime  # INTERNALDATE, naive UTC: the date of a message whose Date header is useless
    size: int


def check_host(
    host: str, port: int, security: str, *, allow_plaintext: bool, allow_private: bool, loopback_only: bool = False
) -> None:
    """TLS always, except plaintext to a loopback host when the install allows it; private hosts only if
    allowed; with ``loopback_only`` (the test suite, its fuzzer included) nothing off this machine."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise MailServerError("host", f"The server name {host} was not found. Check the spelling.") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    loopback = all(address.is_loopback for address in addresses)
    if loopback_only and not loopback:
        raise MailServerError("host", f"{host} is not on this machine, and this installation reaches only loopback hosts.")
    if security == "plain" and not (loopback and allow_plaintext):
        raise MailServerError("security", "Mail passwords are only sent over TLS: choose TLS or STARTTLS.")
    private = any(not address.is_global or address.is_multicast for address in addresses)
    if private and not allow_private and not (loopback and allow_plaintext):
        raise MailServerError("host", f"{host} is a private or loopback address, which this installation does not reach.")


def connect(server: Server) -> IMAPClient:
    """A logged-in connection, or MailServerError saying plainly what failed."""
    # Loading the system's CA certificates costs ~70 ms: only when TLS is used.
    context = ssl.create_default_context() if server.security != "plain" else None
    try:
        client = IMAPClient(
            server.host, port=server.port, ssl=server.security == "tls", ssl_context=context, timeout=TIMEOUT_SECONDS
        )
    except ssl.SSLError as exc:
        raise MailServerError("security", f"TLS failed with {server.host}:{server.port} ({exc.reason or exc}).") from None
    except ConnectionRefusedError:
        raise MailServerError("port", f"{server.host} refused the connection on port {server.port}.") from None
    except TimeoutError:
        raise MailServerError("host", f"{server.host} did not answer within {TIMEOUT_SECONDS} seconds.") from None
    except socket.gaierror:
        raise MailServerError("host", f"The server name {server.host} was not found. Check the spelling.") from None
    except (OSError, IMAPClientError) as exc:
        raise MailServerError("host", f"Could not talk to {server.host}:{server.port} ({type(exc).__name__}).") from None
    try:
        if server.security == "starttls":
            if b"STARTTLS" not in client.capabilities():
                raise MailServerError("security", f"{server.host} does not offer STARTTLS on port {server.port}.")
            client.starttls(context)
        client.login(server.username, server.password)
    except LoginError:
        _close(client)
        raise MailServerError("password", "The server refused the user name or password.") from None
    except ssl.SSLError as exc:
        _close(client)
        raise MailServerError("security", f"TLS failed with {server.host} ({exc.reason or exc}).") from None
    except MailServerError:
        _close(client)
        raise
    except (OSError, IMAPClientError) as exc:
        _close(client)
        raise MailServerError("host", f"{server.host} broke off the login ({type(exc).__name__}).") from None
    return client


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError):
        client.shutdown()


def close(client: IMAPClient) -> None:
    _close(client)


def folders(client: IMAPClient, extra: list[str]) -> list[Folder]:
    """INBOX and the \\Sent folder (found by its SPECIAL-USE flag, whatever its name), plus the user's own."""
    listed = client.list_folders()
    flags_of = {name: flags for flags, _, name in listed}
    chosen = [Folder("INBOX", FolderRole.INBOX)]
    for flags, _, name in listed:
        if b"\\Sent" in flags and name != "INBOX":
            chosen.append(Folder(name, FolderRole.SENT))
            break
    for name in extra:
        if name not in flags_of:
            raise MailServerError("folders", f"The mailbox has no folder named {name!r}.")
        if all(f.name != name for f in chosen):
            flags = flags_of[name]
            role = FolderRole.ALL if b"\\All" in flags else FolderRole.SENT if b"\\Sent" in flags else FolderRole.OTHER
            chosen.append(Folder(name, role))
    return chosen


def status(client: IMAPClient, folder: str) -> tuple[int, int]:
    """(UIDVALIDITY, UIDNEXT) with one STATUS: enough to know nothing changed."""
    found = client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT"])
    return int(found[b"UIDVALIDITY"]), int(found[b"UIDNEXT"])


def new_uids(client: IMAPClient, folder: str, after: int) -> list[int]:
    """UIDs above ``after``, with the folder opened read-only (EXAMINE)."""
    client.select_folder(folder, readonly=True)
    # "n:*" always includes the highest UID, even one below n: filter it.
    return sorted(uid for uid in client.search(["UID", f"{after + 1}:*"]) if uid > after)


def headers(client: IMAPClient, uids: list[int]) -> Iterator[Fetched]:
    """The header fields capture reads, in chunks; never the body."""
    for start in range(0, len(uids), CHUNK):
        chunk = uids[start : start + CHUNK]
        found = client.fetch(chunk, [HEADER_ITEM, "INTERNALDATE", "RFC822.SIZE"])
        for uid in chunk:
            item = found.get(uid)
            if item is None:
                continue  # expunged between SEARCH and FETCH
            yield Fetched(uid, item.get(HEADER_KEY) or b"", _naive(item.get(b"INTERNALDATE")), int(item.get(b"RFC822.SIZE") or 0))


def text_starts(client: IMAPClient, uids: list[int]) -> dict[int, tuple[bytes, bytes]]:
    """The Content-Type and the first few KB of each message's text: only for auto-replies, whose return
    date is in there."""
    if not uids:
        return {}
    found = client.fetch(uids, [BODY_HEADER_ITEM, TEXT_ITEM])
    return {uid: (item.get(BODY_HEADER_KEY) or b"", item.get(TEXT_KEY) or b"") for uid, item in found.items()}


def _naive(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC).replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
