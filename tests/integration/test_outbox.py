"""Notifications reach every entitled user by email through a real SMTP server, once,
and acknowledgements are recorded."""

from __future__ import annotations

import smtplib
import socket
from pathlib import Path

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


def test_the_command_says_why_what_failed_did(accounts_db: Database, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The timer's log says why nothing went (the mail server's address and its error),
    not only how many failed; exit 1 for the timer to alert."""
    from typer.testing import CliRunner

    from phalanx.cli.main import app
    from phalanx.config import get_settings

    crises.open_crisis(accounts_db, crises.CrisisIn(
        title="x", category="natural_disaster", affected=["KGZ"]),
        actor=Principal("secretariat", Role.SECRETARIAT))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    monkeypatch.setenv("PHALANX_DATABASE_URL",
                       accounts_db.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("PHALANX_SMTP_PORT", str(dead))
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["outbox", "send"])
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    assert "sent 0, failed" in said
    assert f"not sent: SMTP 127.0.0.1:{dead}:" in said, said


def test_a_connection_lost_mid_batch_keeps_what_was_sent(
        accounts_db: Database, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The server took some notices, then the connection broke: those it took are
    delivered, and only the others are sent again."""
    inbox, port = smtp
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Mudslide near Khorog", category="natural_disaster", affected=["TJK"]),
        actor=Principal("secretariat", Role.SECRETARIAT))
    real = smtplib.SMTP.send_message

    def breaks_after_two(self: smtplib.SMTP, msg: object, *a: object, **kw: object) -> object:
        if len(inbox.messages) >= 2:
            raise ConnectionResetError("connection reset by peer")
        return real(self, msg, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(smtplib.SMTP, "send_message", breaks_after_two)
    first = outbox.deliver(accounts_db, "127.0.0.1", port, "phalanx@test")
    assert (first.sent, len(inbox.messages)) == (2, 2) and first.failed > 0
    monkeypatch.setattr(smtplib.SMTP, "send_message", real)
    again = outbox.deliver(accounts_db, "127.0.0.1", port, "phalanx@test")
    assert again.sent == first.failed
    assert len({m["To"] for m in inbox.messages}) == len(inbox.messages)  # nobody twice


def test_a_notice_that_cannot_be_written_in_a_language_goes_as_stored(
        accounts_db: Database, smtp: tuple[Inbox, int]) -> None:
    """One notice the renderer fails on is sent as stored (English) and the others are
    written in their language; nothing is held up or sent twice."""
    inbox, port = smtp
    for title in ("Flood in Osh", "Fire in Naryn"):
        crises.open_crisis(accounts_db, crises.CrisisIn(
            title=title, category="natural_disaster", affected=["KGZ"]),
            actor=Principal("secretariat", Role.SECRETARIAT))

    def render(subject: str, body: str, lang: str,
               titles: dict[str, str] | None = None) -> tuple[str, str]:
        if "Naryn" in subject:
            raise KeyError("a form it does not know")
        return f"[{lang}] {subject}", body

    d = outbox.deliver(accounts_db, "127.0.0.1", port, "phalanx@test", render=render,
                       default_language="ru")
    assert d.sent == len(inbox.messages) > 0 and d.failed == 0
    osh = [m for m in inbox.messages if "Osh" in m["Subject"]]
    naryn = [m for m in inbox.messages if "Naryn" in m["Subject"]]
    assert osh and all(m["Subject"].startswith("[ru] ") and m["Content-Language"] == "ru"
                       for m in osh)
    assert naryn and all(m["Subject"] == "Crisis reported: Fire in Naryn"
                         and m["Content-Language"] == "en" for m in naryn)
