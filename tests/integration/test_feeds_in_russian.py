"""The feeds page as a Russian-speaking officer of the Secretariat uses it: feeds refused
when registered, and feeds that fail when polled (a local server on loopback, which the
settings allow), each refusal beside the form and each feed's last error in Russian; no
English word is left but the names of protocols, formats and elements (CAP, HTTP, XML,
Atom, RSS), the addresses and the settings' names."""

from __future__ import annotations

import html
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_pages import demo_db, login  # noqa: F401 (fixtures)
from tests.support.capfiles import alert
from tests.support.feed_site import Site, serving

# what a Russian text may hold in Latin letters: protocols, formats, elements, values
ALLOWED = {"CAP", "HTTP", "URL", "DOCTYPE", "CDATA", "XML", "Atom", "RSS", "http", "https",
           "entry", "item", "feed", "alert", "rss", "channel", "localhost"}


def english_left(text: str) -> list[str]:
    """The Latin words of `text` that are no address, host name, setting, path or allowed
    name."""
    text = re.sub(r"https?://\S+?(?=[:;,)]?(\s|$))", " ", text)
    text = re.sub(r"PHALANX_\w+|/[\w/\[\]]+|<\w+>|\b[\w-]+(?:\.[\w-]+)+", " ", text)
    return [w for w in re.findall(r"\b[A-Za-z]{3,}\b", text) if w not in ALLOWED]


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as s:
        yield s


@pytest.fixture
def server(site: Site) -> str:
    return site.base


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _atom(*links: str) -> bytes:
    entries = "".join(f"<entry><id>e{n}</id>{link}</entry>" for n, link in enumerate(links))
    return (f'<feed xmlns="http://www.w3.org/2005/Atom"><id>f</id>{entries}</feed>').encode()


@pytest.fixture
def client(demo_db: Database, server: str, tmp_path: Path,  # noqa: F811
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str, int]]:
    closed = _closed_port()
    port = int(server.rsplit(":", 1)[1])
    settings = Settings(environment="test",
                        feed_allow_networks="127.0.0.1/32",
                        feed_allow_ports=f"{port}, {closed}")
    real = socket.getaddrinfo

    def lookup(host: str, *args: Any, **kw: Any) -> Any:  # no DNS in a test
        if host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kw)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    with TestClient(create_app(settings, demo_db)) as c:
        login(c, "secretariat", "demo-secretariat")
        yield c, server, closed


def _token(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m is not None
    return m.group(1)


def _add(c: TestClient, url: str, country: str = "KAZ") -> Any:
    page = c.get("/feeds?lang=ru").text
    return c.post("/feeds?lang=ru", data={"url": url, "country": country,
                                          "csrf_token": _token(page)},
                  follow_redirects=False)


def test_a_refused_registration_reads_in_russian(
        client: tuple[TestClient, str, int]) -> None:
    c, base, _closed = client
    assert _add(c, f"{base}/feed.atom").status_code == 303  # the allowed server
    refused = {
        "http://10.0.0.5/feed.atom": "Адрес (URL): 10.0.0.5 — адрес частной сети",
        "http://127.0.0.2/feed.atom": "Адрес (URL): 127.0.0.2 — адрес обратной петли",
        "http://169.254.169.254/feed.atom": "Адрес (URL): 169.254.169.254 — адрес "
                                            "локального сегмента сети",
        "http://127.0.0.1:5432/": "Адрес (URL): порт 5432 — не стандартный для http (80)",
        "ftp://127.0.0.1/feed.atom": "Адрес (URL): адрес канала начинается с http:// или "
                                     "https://",
        "http://u:p@127.0.0.1/": "Адрес (URL): адрес с именем пользователя или паролем",
        f"{base}/feed.atom": f"Канал {base}/feed.atom уже зарегистрирован",
    }
    for url, said in refused.items():
        r = _add(c, url)
        assert r.status_code in (409, 422), (url, r.status_code)
        m = re.search(r'id="feed-error"[^>]*>([^<]*)<', r.text)
        assert m is not None, url
        shown = html.unescape(m.group(1))
        assert shown.startswith(said), (url, shown)
        assert english_left(shown) == [], (url, shown)
    r = _add(c, "http://cap.example.invalid/feed.atom", country="XYZ")
    shown = html.unescape(re.findall(r'id="feed-error"[^>]*>([^<]*)<', r.text)[0])
    assert shown == "Государство: XYZ — не государство организации"
    page = c.get("/feeds?lang=ru").text
    r = c.post("/feeds?lang=ru", data={"url": f"{base}/other.atom", "country": "KAZ",
                                       "interval_s": "10", "csrf_token": _token(page)})
    assert r.status_code == 422
    shown = html.unescape(re.findall(r'id="feed-error"[^>]*>([^<]*)<', r.text)[0])
    assert shown.startswith("Каждые (с): ") and english_left(shown) == [], shown
    assert 'name="interval_s" type="number" value="10"' in r.text


def test_every_failing_feed_says_why_in_russian(client: tuple[TestClient, str, int],
                                                site: Site) -> None:
    c, base, closed = client
    site.files.update({
        "/broken.xml": b"<feed><entry>",
        "/links.atom": _atom("", '<link href="http://10.1.2.3/a.xml"/>',
                             '<link href="/missing.xml"/>', '<link href="/moved.xml"/>'),
        "/items.rss": b"<rss><channel><item><title>x</title></item></channel></rss>",
        "/other.xml": b"<html><body>maintenance</body></html>",
        "/bad.xml": alert(identifier="B1").replace(b"<status>Actual</status>", b""),
    })
    site.moved.update({"/moved.xml": "http://169.254.169.254/latest/meta-data/",
                       "/loop.atom": "/loop.atom"})
    urls = {
        f"{base}/broken.xml": "ошибка разметки XML",
        f"{base}/links.atom": "запись без оповещения CAP и без ссылки на него пропущена",
        f"{base}/items.rss": "элемент без ссылки на оповещение CAP пропущен",
        f"{base}/other.xml": "это не оповещение CAP и не перечень оповещений Atom или RSS",
        f"{base}/bad.xml": "обязательный элемент отсутствует или пуст",
        f"{base}/gone.atom": "сервер ответил кодом HTTP 404",
        f"{base}/loop.atom": "больше 5 перенаправлений",
        f"http://127.0.0.1:{closed}/feed.atom": "сервер отказал в соединении",
        "http://cap.example.invalid/feed.atom": "не удалось найти адрес сервера "
                                                "cap.example.invalid: такого имени нет",
    }
    for url in urls:
        assert _add(c, url).status_code == 303, url
    page = c.get("/feeds?lang=ru").text
    # before the first poll: the name that does not resolve says so
    row = re.search(r"<tr[^>]*><t[dh][^>]*>http://cap\.example\.invalid/feed\.atom</t[dh]>.*?</tr>",
                    page, re.S)
    assert row is not None and "при регистрации: не удалось найти адрес" in row.group(0)
    for n in re.findall(r'action="/feeds/(\d+)/poll"', page):
        assert c.post(f"/feeds/{n}/poll", data={"csrf_token": _token(page)},
                      follow_redirects=False).status_code == 303
    page = c.get("/feeds?lang=ru").text
    for url, said in urls.items():
        row = re.search(rf"<tr[^>]*><t[dh][^>]*>{re.escape(url)}</t[dh]>(.*?)</tr>", page, re.S)
        assert row is not None, url
        cells = [html.unescape(re.sub(r"<[^>]+>", "", x)).strip()
                 for x in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
        status, error = cells[2], cells[5]
        assert said in error, (url, error)
        assert english_left(error) == [] and english_left(status) == [], (url, status, error)
        # a feed that answers with what is no index, or is refused, is no feed "not
        # answering": its poll failed
        assert status.startswith(("сбой опроса", "опрошен, с ошибками")), (url, status)
    links = re.search(rf"<t[dh][^>]*>{re.escape(base)}/links\.atom</t[dh]>(.*?)</tr>", page,
                      re.S)
    assert links is not None
    assert "10.1.2.3 — адрес частной сети" in links.group(1)
    assert f"; {base}/moved.xml (перенаправлен на http://169.254.169.254/latest/meta-data/): " \
           "169.254.169.254 — адрес локального сегмента сети" in html.unescape(links.group(1))
