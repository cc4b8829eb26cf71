"""A national crisis-management centre's system driving a day through the API, as an
example of a client: every write carries an Idempotency-Key and is sent again with the
same key after a timeout or a 5xx; an answer that replaces the state's earlier one says
which one it read (If-Match, If-None-Match: *); the register of decisions is mirrored a
page at a time; the live events are followed with the bearer token.

    .venv/bin/python bench/national_system.py --url http://127.0.0.1:8000 \\
        --token "$(phalanx tokens issue rep-kaz --scope read --scope records.write --json \\
                   | jq -r .token)" [--reporter-token ...] [--follow 10]
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from typing import Any

import httpx

RETRIED = {409, 429, 502, 503, 504}  # 409: the first request with the key still running


class Phalanx:
    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        self.http = httpx.Client(base_url=url.rstrip("/") + "/api/v1", timeout=timeout,
                                 headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str, **params: Any) -> httpx.Response:
        r = self.http.get(path, params=params)
        r.raise_for_status()
        return r

    def write(self, method: str, path: str, body: Any = None, *, headers: dict[str, str]
              | None = None, attempts: int = 5) -> httpx.Response:
        """One write, sent until it is answered: the same key every time, so that a write
        the server did but whose answer was lost is not done twice."""
        key = str(uuid.uuid4())
        for attempt in range(attempts):
            try:
                r = self.http.request(method, path, json=body,
                                      headers={"Idempotency-Key": key, **(headers or {})})
            except httpx.TransportError:  # timed out, connection lost: the answer is lost
                r = None
            if r is not None and r.status_code not in RETRIED:
                if r.status_code >= 400:
                    raise RuntimeError(f"{method} {path}: {r.status_code} "
                                       f"{r.json().get('detail')}")
                return r
            time.sleep(min(2 ** attempt * 0.5, 8))
        raise RuntimeError(f"{method} {path}: no answer after {attempts} attempts")

    def pages(self, path: str, limit: int = 100) -> list[dict[str, Any]]:
        """A whole list, a page at a time (X-Total-Count says how many)."""
        items: list[dict[str, Any]] = []
        while True:
            r = self.get(path, limit=limit, offset=len(items))
            items += r.json()
            if not r.json() or len(items) >= int(r.headers["X-Total-Count"]):
                return items

    def changes(self, cursor: str) -> tuple[list[dict[str, Any]], str]:
        """Everything changed after `cursor` (the change feed, a page at a time until an
        empty one that leaves the cursor where it was): each item `changed` (read it at
        its `path`) or `gone` (drop the copy), with the cursor of the next poll (a text:
        a page may end inside one change of many records, `ENTRY:KIND:ID`)."""
        items: list[dict[str, Any]] = []
        while True:
            r = self.get("/changes", after=cursor, limit=100)
            items += r.json()
            moved = r.headers["X-Change-Cursor"]
            if not r.json() and moved == cursor:
                return items, cursor
            cursor = moved

    def follow(self, topics: list[str], seconds: float) -> list[dict[str, Any]]:
        """The live events of `topics` for `seconds` (what the token's user may read)."""
        events: list[dict[str, Any]] = []
        end = time.monotonic() + seconds
        try:
            with self.http.stream("GET", "/events", params={"topic": topics},
                                  timeout=httpx.Timeout(seconds, connect=5)) as r:
                for line in r.iter_lines():
                    if line.startswith("data:"):
                        events.append(json.loads(line[5:]))
                    if time.monotonic() > end:
                        break
        except httpx.ReadTimeout:
            pass
        return events


def day(api: Phalanx, reporter: Phalanx | None, follow: float) -> None:
    me = api.get("/me").json()
    state = me["state"]
    print(f"acting as {me['username']} for {state}")
    crisis = api.write("POST", "/crises", {
        "title": "Flood in the Almaty region", "category": "natural_disaster",
        "affected": [state], "severity": "severe", "place": "Almaty",
        "lat": 43.24, "lon": 76.95}).json()
    cid = crisis["id"]
    print(f"crisis {cid} opened, stage {crisis['stage']}")
    api.write("POST", f"/crises/{cid}/sitreps", {
        "situation": "Water rising along the Kaskelen", "needs": "pumps, boats"})
    api.write("POST", f"/crises/{cid}/requests", {
        "resource": "high-capacity pumps", "quantity": 10,
        "needed_by": "2030-01-01T09:00:00+05:00"})
    # the state's consent on its units: replacing exactly the answer read
    consents = {c["state"]: c for c in api.get(f"/crises/{cid}/consents").json()}
    precondition = ({"If-Match": consents[state]["version"]} if state in consents
                    else {"If-None-Match": "*"})
    api.write("PUT", f"/crises/{cid}/consents/{state}", {"scope": "all"},
              headers=precondition)
    # the art. 4 obligations on the crises where the state owes an answer
    for c in api.pages("/crises"):
        line = next((x for x in api.get(f"/crises/{c['id']}").json()["obligations"]
                     if x["state"] == state and x["answer"] is None), None)
        if line is not None:
            api.write("PUT", f"/crises/{c['id']}/obligations/{state}",
                      {"answer": "other", "detail": "medical teams"},
                      headers={"If-None-Match": "*"})
            print(f"answered the obligation on crisis {c['id']}")
    r = api.get("/crises", changed_after=0)  # a poll: what changed since a cursor
    print(f"{len(r.json())} crises changed; next poll: changed_after="
          f"{r.headers['X-Change-Cursor']}")
    start = api.get("/changes").headers["X-Change-Cursor"]  # before the lists
    decisions = api.pages("/decisions")
    print(f"register mirrored: {len(decisions)} decisions")
    if reporter is not None:
        r = reporter.write("POST", "/operations/channel/reports", {
            "state": state, "agency": reporter.get("/me").json()["agency"],
            "rows": [{"reference": "KZ-CUS-2026-0412", "date": "2026-09-10",
                      "stage": "autumn-2026", "metric": "seizure", "substance": "heroin",
                      "quantity": 1.5, "unit": "kg", "area": "Khorgos"}]}).json()
        print(f"results: {r['stored']} stored, {r['replaced']} replaced")
    changed, cursor = api.changes(start)
    print(f"{len(changed)} records changed since the copy, "
          f"{sum(c['change'] == 'gone' for c in changed)} gone; next: after={cursor}")
    if follow:
        events = api.follow(["crises", "decisions", f"crisis:{cid}"], follow)
        print(f"{len(events)} live events in {follow:g} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--token", required=True)
    ap.add_argument("--reporter-token")
    ap.add_argument("--follow", type=float, default=0.0, help="seconds of live events")
    args = ap.parse_args()
    reporter = Phalanx(args.url, args.reporter_token) if args.reporter_token else None
    day(Phalanx(args.url, args.token), reporter, args.follow)


if __name__ == "__main__":
    main()
