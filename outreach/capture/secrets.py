"""Credentials at rest: Fernet tokens under the install's key; they are decrypted only to connect."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.capture.models import CalendarAccount, MailAccount


class CredentialsUnreadable(Exception):
    """A stored password no key can decrypt (the key changed without `outreach keys rotate`)."""


def _fernet(material: str) -> Fernet:
    """A Fernet key as given, or one derived from any other text (a passphrase, SECRET_KEY)."""
    try:
        if len(base64.urlsafe_b64decode(material.encode())) == 32:
            return Fernet(material.encode())
    except (binascii.Error, ValueError):
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"outreach", info=b"capture credentials").derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def keyring(config: Mapping[str, Any]) -> MultiFernet:
    """The current key first (it encrypts), then the old ones and SECRET_KEY's (they still decrypt)."""
    materials = [config.get("ENCRYPTION_KEY"), *config.get("OLD_ENCRYPTION_KEYS", []), config["SECRET_KEY"]]
    return MultiFernet([_fernet(m.strip()) for m in dict.fromkeys(m for m in materials if m)])


def encrypt(config: Mapping[str, Any], secret: str) -> str:
    return keyring(config).encrypt(secret.encode()).decode()


def decrypt(config: Mapping[str, Any], token: str | None) -> str:
    if not token:
        raise CredentialsUnreadable("this account was disconnected: connect it again")
    try:
        return keyring(config).decrypt(token.encode()).decode()
    except InvalidToken:
        raise CredentialsUnreadable(
            "the stored password can no longer be read (the encryption key changed): enter it again"
        ) from None


def rotate(session: Session, config: Mapping[str, Any]) -> tuple[int, int]:
    """Re-encrypt every stored credential under the current key: (rotated, unreadable)."""
    ring = keyring(config)
    rotated = unreadable = 0
    accounts: list[MailAccount | CalendarAccount] = [
        *session.scalars(select(MailAccount).where(MailAccount.secret.is_not(None))),
        *session.scalars(select(CalendarAccount).where(CalendarAccount.secret.is_not(None))),
    ]
    for account in accounts:
        try:
            account.secret = ring.rotate((account.secret or "").encode()).decode()
            rotated += 1
        except InvalidToken:
            unreadable += 1
    session.flush()
    return rotated, unreadable
