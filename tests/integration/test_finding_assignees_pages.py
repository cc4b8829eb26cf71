"""An after-action finding assigned to a body names the body by its name in the page's
language, on the joint exercises' page and among the implementation tasks (they showed
its key, "joint-staff"); one assigned to a state keeps the state's code."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    page_settings,
)
from tests.support.sessions import login


def _assignees(html: str, table: str) -> list[str]:
    body = re.search(rf'id="{table}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert body is not None, table
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)[index]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
            for index in [1 if table == "findings-table" else 2]]


def test_a_findings_body_by_its_name(client: TestClient) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    for path, table in (("/joint-exercises", "findings-table"), ("/tasks", "findings-tasks")):
        ru = _assignees(client.get(f"{path}?lang=ru").text, table)
        assert "Объединённый штаб Организации" in ru, (path, ru)
        assert all(not re.fullmatch(r"[a-z][a-z\-]+", a) for a in ru), (path, ru)
        assert any(re.fullmatch(r"[A-Z]{3}", a) for a in ru), (path, ru)  # a state's code
        en = _assignees(client.get(f"{path}?lang=en").text, table)
        assert any("Joint Staff" in a for a in en), (path, en)
