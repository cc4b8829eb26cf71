"""`phalanx feeds ...`: the CAP feeds polled for alerts."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from phalanx.cli.common import database, emit_json, fail, invalid, operator, out
from phalanx.services import feeds
from phalanx.services.errors import Conflict, Invalid, NotFound

app = typer.Typer(no_args_is_help=True, help="CAP feeds (Atom, RSS or a single alert URL).")


@app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="An Atom or RSS index of CAP alerts, or one "
                                            "alert's URL (http or https).")],
    country: Annotated[str, typer.Option(help="The member the feed speaks for (e.g. KAZ).")],
    interval: Annotated[int, typer.Option(help="Seconds between polls.")] = 300,
    min_severity: Annotated[str, typer.Option(help="Least CAP severity that opens a "
                                                   "crisis.")] = "Severe",
    category: Annotated[list[str] | None, typer.Option(help="CAP category that may open a "
                                                            "crisis (repeatable; default any)."
                                                       )] = None,
    any_area: Annotated[bool, typer.Option("--any-area", help="Open crises for alerts "
                                           "outside the member's territory too.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register a feed; alerts the rule does not let open a crisis become watch entries.
    An address a poll would refuse (loopback, a private network, link-local, a port or
    scheme not fetched, unless PHALANX_FEED_ALLOW_NETWORKS or PHALANX_FEED_ALLOW_PORTS
    allow it) is refused; a name that resolves to nothing now is registered with a
    warning."""
    from phalanx.config import get_settings

    try:
        data = feeds.FeedIn(url=url, country=country, interval_s=interval,
                            min_severity=min_severity, categories=category or [],
                            member_area=not any_area)
        f = feeds.add(database(), data, actor=operator(),
                      policy=feeds.reach(get_settings()))
    except ValidationError as exc:
        raise fail(invalid(exc)) from exc
    except (Invalid, Conflict) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(f)
        return
    out.print(f"feed {f.id}: {f.url} ({f.country}, every {f.interval_s} s)", highlight=False)
    if f.last_error:  # a name that resolves to nothing now
        out.print(f"  warning: {f.last_error}", highlight=False, markup=False)


@app.command("list")
def listing(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every feed with its status, last poll and last error."""
    with database().read() as conn:
        rows = feeds.listing(conn)
    if as_json:
        emit_json(rows)
        return
    table = Table("id", "url", "country", "status", "received", "failures", "next poll",
                  "last error")
    for f in rows:
        table.add_row(str(f.id), f.url, f.country, f.status if f.active else "paused",
                      str(f.received), str(f.failures),
                      f.next_poll.isoformat(timespec="seconds") if f.next_poll else "-",
                      f.last_error[:60])
    out.print(table)


@app.command("poll")
def poll(
    feed: Annotated[int | None, typer.Argument(help="One feed now; default: every feed "
                                                    "that is due.")] = None,
    every: Annotated[int, typer.Option(help="Keep polling, checking every N seconds "
                                            "(0: once).")] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Poll feeds: each new alert is received as `phalanx cap import` would. Polled once,
    the exit status is 1 when a feed failed or an alert or entry of it was refused."""
    from phalanx.config import get_settings

    db = database()
    trust = feeds.poll_settings(get_settings())
    while True:
        try:
            results = ([feeds.poll(db, feed, actor=operator(), **trust)] if feed is not None
                       else feeds.poll_due(db, actor=operator(), **trust))
        except NotFound as exc:
            raise fail(str(exc)) from exc
        if as_json:
            emit_json([{"feed": r.feed_id, "status": r.status, "errors": r.errors,
                        "received": [x.model_dump(mode="json") for x in r.received]}
                       for r in results])
        else:
            for r in results:
                new = [x for x in r.received if not x.duplicate]
                out.print(f"feed {r.feed_id}: {r.status}, {len(new)} new", highlight=False)
                for x in new:
                    out.print(f"  {x.alert.msg_type} {x.alert.identifier}: "
                              f"{x.alert.action_detail}", highlight=False)
                for e in r.errors:
                    out.print(f"  error: {e}", highlight=False, markup=False)
        if not every:
            if any(r.errors for r in results):  # failing, or partial: say so to the caller
                raise typer.Exit(1)
            return
        time.sleep(every)
