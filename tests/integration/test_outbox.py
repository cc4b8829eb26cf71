"""Notifications reach every entitled user by email through a real SMTP server, once,
and acknowledgements are recorded."""

from __future__ import annotations

import socket

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services import crises, outbox
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from tests.support.smtp import Inbox


def test_a_new_crisis_reaches_every_entitled_user_once(accounts_db: Database,
                                                       smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Flood in the Fergana valley", category="natural_disaster", affected=["KGZ"]),
        actor=Principal("secretariat", Role.SECRETARIAT))
    d = outbox.deliver(accounts_db, "127.0.0.1", port, "phalanx@test")
    recipients = sorted(m["To"] for m in inbox.messages)
    assert d.sent == len(inbox.messages) > 0
    assert "observer@demo.phalanx.invalid" not in recipients  # not entitled to see it
    assert "rep-arm@demo.phalanx.invalid" in recipients
    assert all("Flood in the Fergana valley" in m["Subject"] for m in inbox.messages)
    assert outbox.deliver(accounts_db, "127.0.0.1", port, "phalanx@test").sent == 0

    arm = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")
    with accounts_db.read() as conn:
        note = outbox.mine(conn, actor=arm)[0]
    assert note.delivered and not note.acknowledged
    outbox.acknowledge(accounts_db, note.id, actor=arm)
    with accounts_db.read() as conn:
        assert outbox.mine(conn, actor=arm)[0].acknowledged
    with pytest.raises(NotFound):
        outbox.acknowledge(accounts_db, note.id, actor=Principal("rep-kaz", Role.REPRESENTATIVE,
                                                               state="KAZ"))


def test_an_unreachable_server_is_retried_later(accounts_db: Database) -> None:
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title="x", category="natural_disaster", affected=["KGZ"]),
        actor=Principal("secretariat", Role.SECRETARIAT))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    d = outbox.deliver(accounts_db, "127.0.0.1", dead, "phalanx@test")
    assert d.sent == 0 and d.failed > 0
    with accounts_db.read() as conn:
        assert all(not n.delivered for n in outbox.mine(
            conn, actor=Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")))
