"""Which mail is a conversation: pure rules over header facts, no server needed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from outreach.capture.classify import classify, return_date
from outreach.capture.parse import envelope
from outreach.domain.vocabulary import Classification

SENT = datetime(2025, 12, 20, 9, 0)


def header(**fields: str) -> bytes:
    base = {
        "From": "Maya <maya@guest.example>",
        "To": "me@mail.example",
        "Subject": "Hello",
        "Date": "Sat, 20 Dec 2025 09:00:00 +0000",
    }
    base.update({k.replace("_", "-"): v for k, v in fields.items()})
    return "".join(f"{k}: {v}\r\n" for k, v in base.items()).encode() + b"\r\n"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, Classification.PERSON),
        ({"List_Id": "<news.letters.example>"}, Classification.BULK),
        ({"List_Unsubscribe": "<mailto:u@x.example>"}, Classification.BULK),
        ({"Precedence": "bulk"}, Classification.BULK),
        ({"Precedence": "list"}, Classification.BULK),
        ({"Precedence": "junk"}, Classification.BULK),
        ({"To": ", ".join(f"p{i}@x.example" for i in range(21))}, Classification.BULK),
        ({"Auto_Submitted": "auto-generated"}, Classification.AUTOMATED),
        ({"Auto_Submitted": "no"}, Classification.PERSON),
        ({"From": "GitHub <noreply@github.com>"}, Classification.AUTOMATED),
        ({"From": "no-reply@shop.example"}, Classification.AUTOMATED),
        ({"From": "MAILER-DAEMON@mx.example"}, Classification.AUTOMATED),
        ({"Auto_Submitted": "auto-replied"}, Classification.AUTO_REPLY),
        ({"X_Autoreply": "yes"}, Classification.AUTO_REPLY),
        ({"X_Autorespond": "yes"}, Classification.AUTO_REPLY),
        ({"Subject": "Automatic reply: Season 4"}, Classification.AUTO_REPLY),
        ({"Subject": "Out of Office: back Monday"}, Classification.AUTO_REPLY),
        ({"Subject": "Abwesenheitsnotiz: Ihre Anfrage"}, Classification.AUTO_REPLY),
        ({"Subject": "Automatische Antwort: Staffel 4"}, Classification.AUTO_REPLY),
        ({"Subject": "Réponse automatique : Saison 4"}, Classification.AUTO_REPLY),
        ({"Subject": "Absence du bureau"}, Classification.AUTO_REPLY),
        ({"Subject": "Respuesta automática: Temporada 4"}, Classification.AUTO_REPLY),
        ({"Subject": "Fuera de la oficina"}, Classification.AUTO_REPLY),
        ({"Subject": "Re: about your out of office plans"}, Classification.PERSON),
    ],
)
def test_classification(fields, expected):
    assert classify(envelope(header(**fields), SENT)) == expected


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("I am out of the office until 12 January 2026 with limited access.", date(2026, 1, 12)),
        ("Back on Jan 9th.", date(2026, 1, 9)),
        ("I'm returning Monday, January 5.", date(2026, 1, 5)),
        ("Ich bin bis zum 15.01.2026 nicht im Büro.", date(2026, 1, 15)),
        ("Ab dem 3. Februar bin ich wieder da.", date(2026, 2, 3)),
        ("Je serai de retour le 5 janvier.", date(2026, 1, 5)),
        ("Estaré fuera de la oficina hasta el 7 de enero de 2026.", date(2026, 1, 7)),
        ("back 2026-01-20", date(2026, 1, 20)),
        ("I am away.", None),
        ("Back on 3 March 2019.", None),  # before the message: not a return date
    ],
)
def test_return_dates_in_four_languages(text, back):
    assert return_date(text, SENT) == back


def test_encoded_headers_are_decoded_and_addresses_lowered():
    raw = header(From="=?iso-8859-1?Q?Ren=E9e_M=FCller?= <Renee@Example.COM>", Subject="=?utf-8?B?R3LDvMOfZQ==?= aus Wien")
    found = envelope(raw, SENT)
    assert (found.from_address, found.from_name, found.subject) == ("renee@example.com", "Renée Müller", "Grüße aus Wien")


def test_a_message_without_message_id_gets_the_same_stable_id_every_time():
    first, again = envelope(header(), SENT), envelope(header(), SENT)
    assert first.message_key == again.message_key and first.message_key.endswith("@no-message-id.outreach")
    assert envelope(header(Subject="Other"), SENT).message_key != first.message_key


def test_a_date_in_the_future_or_missing_falls_back_to_the_arrival_time():
    assert envelope(header(Date="Mon, 1 Jan 2035 00:00:00 +0000"), SENT).sent_at == SENT
    assert envelope(header(Date="garbage"), SENT).sent_at == SENT
