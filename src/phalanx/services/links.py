"""Links to the installation's pages from what leaves it (an emailed notice, a crisis's
CAP export), at the address its users open the pages at (setting `public_url`, none by
default: then nothing that leaves carries a link)."""

from __future__ import annotations


def crisis_url(public_url: str, crisis_id: int) -> str | None:
    """The crisis room's page: "<public_url>/crises/3"; None without an address."""
    return f"{public_url.rstrip('/')}/crises/{crisis_id}" if public_url else None
