"""Notifications are emailed in their recipient's language: a user's own (set by an
administrator, or chosen on a page or through the API, audited), else the setting
`default_language`; written with the forms the inbox shows them with
(`web/i18n/timeline.py`), what people wrote left as written. Received by a real SMTP
server and read back with the `email` package."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app as cli
from phalanx.config import Settings, get_settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises, identity, outbox
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n import labeller
from phalanx.web.i18n.timeline import notice_renderer
from tests.support.sessions import bearer, login
from tests.support.smtp import Inbox

SEC = Principal("secretariat", Role.SECRETARIAT)
KAZ, ARM, BLR = ("rep-kaz@demo.phalanx.invalid", "rep-arm@demo.phalanx.invalid",
                 "rep-blr@demo.phalanx.invalid")
TITLE = "Flood in the Osh valley"  # what a person wrote: never translated


def _send(db: Database, port: int, default: str = "en") -> outbox.Delivery:
    with db.read() as conn:
        org = orgs.organization(conn)
    return outbox.deliver(db, "127.0.0.1", port, "phalanx@test", render=notice_renderer(org),
                          default_language=default)


def _one(inbox: Inbox, address: str, subject_part: str) -> EmailMessage:
    found = [m for m in inbox.to(address) if subject_part in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in inbox.to(address)]
    return found[0]


def _text(msg: EmailMessage) -> str:
    """The body with its lines ended as in Python (the wire ends them CRLF)."""
    return str(msg.get_content()).replace("\r\n", "\n").rstrip()


def _raw(inbox: Inbox, address: str, marker: bytes) -> bytes:
    return next(r for r in inbox.raw if f"To: {address}".encode() in r and marker in r)


def _languages(db: Database, **chosen: str | None) -> None:
    for user, lang in chosen.items():
        identity.set_language(db, user.replace("_", "-"), lang, actor=SYSTEM)


def test_each_recipient_reads_the_notice_in_their_language(accounts_db: Database,
                                                           smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _languages(accounts_db, rep_kaz="ru", rep_arm="en")  # rep-blr: none of their own
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title=TITLE, category="natural_disaster", affected=["KGZ"], exercise=True), actor=SEC)
    assert _send(accounts_db, port).sent > 0

    russian = _one(inbox, KAZ, TITLE)
    assert russian["Content-Language"] == "ru"
    assert russian["Subject"] == f"[УЧЕНИЯ] Сообщение о кризисе: {TITLE} [УЧЕНИЯ]"
    assert russian.get_content_charset() == "utf-8"
    body = russian.get_content()
    assert "затронуты: KGZ" in body and "Консультации" in body, body
    assert not re.search(r"affecting|Consultations|EXERCISE|Crisis", body + russian["Subject"])
    # on the wire: the Cyrillic subject RFC 2047-encoded, the body 7-bit clean
    wire = _raw(inbox, KAZ, b"Content-Language: ru")
    assert re.search(rb"^Subject: =\?utf-8\?[bq]\?", wire, re.M | re.I), wire[:400]
    assert wire.isascii()

    for address in (ARM, BLR):  # their own English, and the installation's default
        english = _one(inbox, address, TITLE)
        assert english["Content-Language"] == "en"
        assert english["Subject"] == f"[EXERCISE] Crisis reported: {TITLE} [EXERCISE]"
        assert "affecting KGZ" in english.get_content()
        assert "Consultations are due within" in english.get_content()


def test_a_user_without_a_language_gets_the_installations_default(
        accounts_db: Database, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _languages(accounts_db, rep_arm="en")
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title=TITLE, category="natural_disaster", affected=["KGZ"]), actor=SEC)
    _send(accounts_db, port, default="ru")
    assert _one(inbox, BLR, TITLE)["Subject"] == f"Сообщение о кризисе: {TITLE}"
    assert _one(inbox, BLR, TITLE)["Content-Language"] == "ru"
    assert _one(inbox, ARM, TITLE)["Subject"] == f"Crisis reported: {TITLE}"


def test_an_escalation_reaches_the_secretariat_in_its_language(
        accounts_db: Database, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _languages(accounts_db, secretariat="ru")
    t0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Earthquake", category="natural_disaster", affected=["TJK"], severity="extreme"),
        actor=SEC, at=t0)
    assert crises.escalate_overdue(accounts_db, at=t0 + timedelta(minutes=61)) == [c.id]
    _send(accounts_db, port)
    overdue = _one(inbox, "secretariat@demo.phalanx.invalid", "Просрочено")
    assert overdue["Subject"] == f"Просрочено: кризис {c.id} (Earthquake)"
    assert "просрочен на 1 мин" in overdue.get_content(), overdue.get_content()
    assert "доведено до Секретариата и председателя" in overdue.get_content()
    assert "overdue" not in overdue.get_content()


def test_a_crisis_ended_is_told_in_the_recipients_words_and_the_reason_as_written(
        accounts_db: Database, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _languages(accounts_db, rep_kaz="ru")
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title=TITLE, category="natural_disaster", affected=["KGZ"]), actor=SEC)
    crises.transition(accounts_db, c.id, Stage.REJECTED, actor=SEC,
                      reason="handled by the national service")
    _send(accounts_db, port)
    russian = _one(inbox, KAZ, f"Кризис {c.id}: ")
    rejected = labeller("ru")("stage", "rejected")
    assert russian["Subject"] == f"Кризис {c.id}: {rejected}" and rejected != "rejected"
    assert russian.get_content().strip() == f"{TITLE}: handled by the national service"
    assert _one(inbox, ARM, f"Crisis {c.id}: ")["Subject"] == f"Crisis {c.id}: rejected"


def test_without_a_renderer_the_notice_goes_as_stored(accounts_db: Database,
                                                      smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _languages(accounts_db, rep_kaz="ru")
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title=TITLE, category="natural_disaster", affected=["KGZ"]), actor=SEC)
    outbox.deliver(accounts_db, "127.0.0.1", port, "phalanx@test")
    mail = _one(inbox, KAZ, TITLE)
    assert mail["Subject"] == f"Crisis reported: {TITLE}" and mail["Content-Language"] == "en"
    assert mail["Date"] and mail["Message-ID"] and mail["Auto-Submitted"] == "auto-generated"


# --- the command line --------------------------------------------------------------------


@pytest.fixture
def cli_env(accounts_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[None]:
    monkeypatch.setenv("PHALANX_DATABASE_URL", str(accounts_db.engine.url))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_outbox_send_writes_each_email_in_its_recipients_language(
        accounts_db: Database, smtp: tuple[Inbox, int], cli_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "language", "rep-kaz", "ru"])
    assert r.exit_code == 0, r.output
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title=TITLE, category="natural_disaster", affected=["KGZ"]), actor=SEC)
    monkeypatch.setenv("PHALANX_SMTP_PORT", str(port))
    monkeypatch.setenv("PHALANX_SMTP_FROM", "phalanx@test")
    monkeypatch.setenv("PHALANX_DEFAULT_LANGUAGE", "en")
    get_settings.cache_clear()
    monkeypatch.setenv("PHALANX_PUBLIC_URL", "https://phalanx.test/")
    get_settings.cache_clear()
    r = runner.invoke(cli, ["outbox", "send"])
    assert r.exit_code == 0, r.output
    russian, english = _one(inbox, KAZ, TITLE), _one(inbox, ARM, TITLE)
    assert russian["Subject"] == f"Сообщение о кризисе: {TITLE}"
    assert english["Subject"] == f"Crisis reported: {TITLE}"
    # each ends with a link to the crisis, in its reader's words
    with accounts_db.read() as conn:
        crisis = conn.execute(select(t.crisis.c.id)).scalar_one()
    link = f"https://phalanx.test/crises/{crisis}"
    assert _text(russian).endswith(f"\n\nОткрыть в Phalanx: {link}")
    assert _text(english).endswith(f"\n\nOpen in Phalanx: {link}")
    assert "Консультации" in russian.get_content()  # the paragraph before it, translated


def test_without_a_public_address_an_email_carries_no_link(
        accounts_db: Database, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title=TITLE, category="natural_disaster", affected=["KGZ"]), actor=SEC)
    _send(accounts_db, port)
    assert "Phalanx:" not in _one(inbox, ARM, TITLE).get_content()
    assert outbox.record_url("", "crisis:3") is None
    assert outbox.record_url("https://x.test/app", "crisis:3") == "https://x.test/app/crises/3"
    assert outbox.record_url("https://x.test", "session:3") is None


@pytest.mark.parametrize("address", ["phalanx.test", "ftp://phalanx.test",
                                     "https://phalanx.test/?a=1", "https://"])
def test_a_public_address_that_is_no_web_address_is_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="PHALANX_PUBLIC_URL"):
        Settings(public_url=address)


def test_the_command_line_sets_and_lists_a_users_language(accounts_db: Database,
                                                         cli_env: None) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "add", "liaison-kaz", "--role", "representative",
                            "--state", "KAZ", "--language", "ru", "--password-stdin"],
                      input="Kazakh liaison officer, night shift 3am\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "add", "liaison-kgz", "--role", "representative",
                            "--state", "KGZ", "--language", "kk", "--password-stdin"],
                      input="Kyrgyz liaison officer, night shift 3am\n")
    assert r.exit_code == 1 and "language: 'kk' is not one of en, ru" in r.output
    listed = {u["username"]: u for u in json.loads(
        runner.invoke(cli, ["users", "list", "--json"]).stdout)}
    assert listed["liaison-kaz"]["language"] == "ru"
    assert listed["rep-arm"]["language"] is None and "liaison-kgz" not in listed
    r = runner.invoke(cli, ["users", "language", "liaison-kaz", "default"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "language", "liaison-kaz", "kk"])
    assert r.exit_code == 1 and "'kk'" in r.output
    with accounts_db.read() as conn:
        assert identity.account(conn, "liaison-kaz").language is None
        entries = [(e.action, json.loads(e.change)) for e in conn.execute(
            select(t.audit_log.c.action, t.audit_log.c.change)
            .where(t.audit_log.c.action.in_(("user.add", "user.language")))
            .order_by(t.audit_log.c.id))]
    assert ("user.language", {"username": "liaison-kaz", "from": "ru", "to": None}) in entries
    assert any(a == "user.add" and p["language"] == "ru" for a, p in entries)


# --- the API and the pages ---------------------------------------------------------------


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c



def _audited(db: Database, username: str) -> list[dict[str, object]]:
    """The audit entries of the user's changes of language, what each says."""
    with db.read() as conn:
        changes = [json.loads(r.change) for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action == "user.language")
            .order_by(t.audit_log.c.id))]
    return [c for c in changes if c["username"] == username]


def test_the_api_sets_a_users_language_audited_and_refuses_an_unknown_one(
        client: TestClient, accounts_db: Database) -> None:
    rep, admin = bearer(accounts_db, "rep-kaz"), bearer(accounts_db, "admin")
    assert client.get("/api/v1/me", headers=rep).json()["language"] is None
    r = client.patch("/api/v1/me", headers=rep, json={"language": "ru"})
    assert r.status_code == 200 and r.json()["language"] == "ru"
    assert client.get("/api/v1/me", headers=rep).json()["language"] == "ru"
    assert _audited(accounts_db, "rep-kaz") == [{"username": "rep-kaz", "from": None,
                                                 "to": "ru"}]
    r = client.patch("/api/v1/me", headers=rep, json={"language": "ru"})  # as it is
    assert r.status_code == 200 and r.json()["language"] == "ru"
    r = client.patch("/api/v1/me", headers=rep, json={"language": "kk"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert [e["where"] for e in r.json()["errors"]] == ["body.language"]
    assert len(_audited(accounts_db, "rep-kaz")) == 1  # nothing written twice, nor refused

    # the administrator: a new user's language, another's changed, both listed
    r = client.post("/api/v1/users", headers=admin, json={
        "username": "liaison-kaz", "password": "Kazakh liaison officer, night shift",
        "role": "representative", "state": "KAZ", "language": "ru"})
    assert r.status_code == 201, r.text
    assert r.json()["language"] == "ru"
    r = client.patch("/api/v1/users/rep-arm", headers=admin, json={"language": "en"})
    assert r.status_code == 200 and r.json()["language"] == "en"
    r = client.patch("/api/v1/users/rep-arm", headers=admin, json={"language": "xx"})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "body.language"
    r = client.post("/api/v1/users", headers=admin, json={
        "username": "liaison-kgz", "password": "Kyrgyz liaison officer, night shift",
        "role": "representative", "state": "KGZ", "language": "kk"})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "body.language"
    assert client.patch("/api/v1/users/rep-arm", headers=rep,
                        json={"language": "ru"}).status_code == 403
    for path in ("/api/v1/users/nobody", "/api/v1/users/nobody/tokens"):
        r = (client.patch(path, headers=admin, json={"language": "ru"}) if "tokens" not in path
             else client.post(path, headers=admin, json={}))
        assert r.status_code == 404, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["detail"] == "no user 'nobody'"
    users = {u["username"]: u["language"] for u in
             client.get("/api/v1/users", headers=admin).json()}
    assert users["liaison-kaz"] == "ru" and users["rep-arm"] == "en"
    assert users["rep-kaz"] == "ru" and users["rep-blr"] is None
    assert _audited(accounts_db, "rep-arm") == [{"username": "rep-arm", "from": None,
                                                 "to": "en"}]



def test_choosing_a_language_on_a_page_stores_it_for_the_user(
        client: TestClient, accounts_db: Database) -> None:
    anonymous = client.get("/members?on=2000-01-01").text
    assert 'hreflang="ru"' in anonymous and 'action="/language"' not in anonymous

    login(client, "rep-kaz", "demo-rep-kaz")
    page = client.get("/members?on=2000-01-01").text
    switch = re.search(r'<nav class="lang".*?</nav>', page, re.S)
    assert switch is not None and 'action="/language"' in switch.group(0)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', switch.group(0))
    assert csrf is not None
    r = client.post("/language", data={"csrf_token": csrf.group(1), "lang": "ru",
                                       "next": "/members?on=2000-01-01&lang=ru"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/members?on=2000-01-01&lang=ru"
    assert client.cookies.get("lang") == "ru"
    with accounts_db.read() as conn:
        assert identity.account(conn, "rep-kaz").language == "ru"
    assert _audited(accounts_db, "rep-kaz") == [{"username": "rep-kaz", "from": None,
                                                 "to": "ru"}]

    r = client.post("/language", data={"csrf_token": csrf.group(1), "lang": "kk", "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 422
    r = client.post("/language", data={"lang": "en", "next": "/"}, follow_redirects=False)
    assert r.status_code == 403  # no CSRF token
    r = client.post("/language", data={"csrf_token": csrf.group(1), "lang": "en",
                                       "next": "https://elsewhere.example/"},
                    follow_redirects=False)
    assert r.headers["location"] == "/"  # never off the site
    assert len(_audited(accounts_db, "rep-kaz")) == 2  # ru, then en

    # another browser: the page opens in the user's language after login
    _languages(accounts_db, rep_kaz="ru")
    client.cookies.clear()
    login(client, "rep-kaz", "demo-rep-kaz")
    assert client.cookies.get("lang") == "ru"
    assert '<html lang="ru">' in client.get("/inbox").text


def test_the_email_says_what_the_inbox_says(client: TestClient, accounts_db: Database,
                                            smtp: tuple[Inbox, int]) -> None:
    """One translation path: the notice in the recipient's inbox page and in their email
    read the same, word for word."""
    inbox, port = smtp
    _languages(accounts_db, rep_kaz="ru")
    crises.open_crisis(accounts_db, crises.CrisisIn(
        title=TITLE, category="natural_disaster", affected=["KGZ"], exercise=True), actor=SEC)
    _send(accounts_db, port)
    mail = _one(inbox, KAZ, TITLE)
    login(client, "rep-kaz", "demo-rep-kaz")
    page = unescape(client.get("/inbox?lang=ru").text)
    assert mail["Subject"] in page
    # each paragraph, on the page's one line (an exercise's: between its lines saying so)
    paragraphs = [p.strip() for p in mail.get_content().replace("\r\n", "\n").split("\n\n")]
    assert paragraphs[0] == paragraphs[-1] == "УЧЕНИЯ УЧЕНИЯ УЧЕНИЯ"
    assert " ".join(paragraphs)[:150] in page


def test_a_decision_s_notice_names_it_by_its_russian_title(accounts_db: Database,
                                                           settings: Settings,
                                                           smtp: tuple[Inbox, int]) -> None:
    """A decision adopted tells the members it binds, by its title: a Russian page and a
    Russian email give the title the Secretariat wrote in Russian, an English one the
    English title."""
    from phalanx.domain.decisions.consensus import Position
    from phalanx.services import decisions as dec
    from tests.integration.test_decisions import draft, rep, session

    inbox, port = smtp
    _languages(accounts_db, rep_kaz="ru", rep_arm="en")
    m = session(accounts_db)
    d = draft(accounts_db, m.id, title="On the joint staff's plan",
              title_ru="О плане Объединённого штаба")
    for s in d.stances:
        if s.standing.value == "full":
            dec.state_position(accounts_db, d.id, Position.SUPPORT, actor=rep(s.state))
    decision_id = dec.close_draft(accounts_db, d.id, actor=SEC).decision_id
    assert decision_id is not None
    with accounts_db.read() as conn:
        number = dec.get_decision(conn, decision_id, actor=SEC).number
    assert _send(accounts_db, port).sent > 0
    russian = _one(inbox, KAZ, str(number))
    assert russian["Subject"] == f"Принято решение {number}: О плане Объединённого штаба"
    english = _one(inbox, ARM, str(number))
    assert english["Subject"] == f"Decision {number} adopted: On the joint staff's plan"
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        ru = unescape(client.get("/inbox?lang=ru").text)
        assert f"Принято решение {number}: О плане Объединённого штаба" in ru
        en = unescape(client.get("/inbox?lang=en").text)
        assert f"Decision {number} adopted: On the joint staff's plan" in en
