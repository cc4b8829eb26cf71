"""Every page fits its screen and a finger for the roles axe does not check again (the
representative of a member taking part in the work, a national agency's reporter, the
Joint Staff's planner, the auditor and the administrator): the same checks as
test_layout_browser.py, on the same visits, in a file of their own so that a second test
process takes them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    pages,
)
from tests.e2e.test_layout_browser import OTHER_ROLES, Who, check_every_page, role_id

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("who", OTHER_ROLES, ids=role_id)
def test_every_page_fits_the_screen_and_a_finger(
        browser: Any, base_url: str, pages: list[str], who: Who) -> None:  # noqa: F811
    check_every_page(browser, base_url, pages, who, None)
