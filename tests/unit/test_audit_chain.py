"""The hash chain catches every kind of tampering and names the first bad entry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from phalanx.domain.audit import GENESIS, Checkpoint, Entry, canonical, verify


def chain(n: int) -> list[Entry]:
    out: list[Entry] = []
    prev = GENESIS
    for i in range(1, n + 1):
        e = Entry(i, f"2026-01-01T00:00:{i:02d}+00:00", "alice", "secretariat", "RUS",
                  "thing.change", "thing", str(i), canonical({"n": i}), prev).sealed()
        out.append(e)
        prev = e.hash
    return out


def test_an_untouched_chain_verifies() -> None:
    v = verify(chain(10))
    assert v.ok and v.entries == 10 and v.first_bad is None


def test_an_altered_field_is_named() -> None:
    entries = chain(10)
    entries[4] = replace(entries[4], actor="mallory")
    v = verify(entries)
    assert not v.ok and v.first_bad == 5 and "altered" in v.reason


def test_an_altered_and_rehashed_entry_breaks_the_link_to_the_next() -> None:
    entries = chain(10)
    entries[4] = replace(entries[4], change=canonical({"n": 999})).sealed()
    v = verify(entries)
    assert not v.ok and v.first_bad == 6


def test_a_removed_entry_is_named() -> None:
    entries = chain(10)
    del entries[3]
    v = verify(entries)
    assert not v.ok and v.first_bad == 4 and "missing" in v.reason


def test_two_swapped_entries_are_caught_at_the_first() -> None:
    entries = chain(10)
    a, b = entries[2], entries[3]
    entries[2] = replace(b, id=a.id)
    entries[3] = replace(a, id=b.id)
    v = verify(entries)
    assert not v.ok and v.first_bad == 3


def test_an_inserted_entry_is_caught() -> None:
    entries = chain(10)
    forged = Entry(4, "2026-01-01T00:00:04+00:00", "mallory", "administrator", None, "x", "x",
                   "x", "{}", entries[2].hash).sealed()
    renumbered = [replace(e, id=e.id + 1) for e in entries[3:]]
    v = verify([*entries[:3], forged, *renumbered])
    assert not v.ok and v.first_bad == 5


def test_a_truncated_tail_is_caught_by_a_checkpoint() -> None:
    entries = chain(10)
    cp = Checkpoint(1, 10, entries[9].hash, "t", "k", "sig")
    assert verify(entries, [cp]).ok
    v = verify(entries[:8], [cp])
    assert not v.ok and v.first_bad == 9


def test_a_bad_checkpoint_signature_fails() -> None:
    entries = chain(3)
    cp = Checkpoint(1, 3, entries[2].hash, "t", "k", "sig")
    v = verify(entries, [cp], signature_ok=lambda _c: False)
    assert not v.ok and "signature" in v.reason


@pytest.mark.parametrize("n", [0, 1])
def test_short_chains(n: int) -> None:
    assert verify(chain(n)).ok


def _outside(entries: list[Entry], *, age_minutes: float = 1.0, upto: int | None = None
             ) -> object:
    from datetime import UTC, datetime, timedelta

    from phalanx.domain.audit import MARK_LENGTH, Outside

    now = datetime(2026, 1, 1, 1, tzinfo=UTC)
    marks = {e.id: e.hash[:MARK_LENGTH] for e in entries if upto is None or e.id <= upto}
    cp = Checkpoint(0, entries[-1].id, entries[-1].hash,
                    (now - timedelta(minutes=age_minutes)).isoformat(), "k", "s")
    return Outside(marks, (cp,), now, timedelta(minutes=30), timedelta(0))


def test_a_rechained_rewrite_is_named_where_it_was_made_not_at_the_checkpoint() -> None:
    good = chain(60)
    out = _outside(good)
    forged = good[:41]
    prev = forged[-1].hash
    for e in good[41:]:
        e = replace(e, prev_hash=prev, change=canonical({"n": -1}) if e.id == 42 else e.change)
        e = e.sealed()
        forged.append(e)
        prev = e.hash
    v = verify(forged, outside=out)  # type: ignore[arg-type]
    assert (v.ok, v.first_bad, v.problem) == (False, 42, "altered")


def test_without_a_key_or_with_a_stale_checkpoint_the_trail_is_not_verified() -> None:
    entries = chain(10)
    assert verify(entries, outside=_outside(entries)).ok  # type: ignore[arg-type]
    v = verify(entries, signature_ok=None, outside=_outside(entries))  # type: ignore[arg-type]
    assert (v.ok, v.problem) == (False, "no-key")
    v = verify(entries, outside=_outside(entries, age_minutes=31))  # type: ignore[arg-type]
    assert (v.ok, v.problem) == (False, "stale")


def test_a_cut_tail_and_a_forged_append_are_told_apart() -> None:
    entries = chain(10)
    v = verify(entries[:7], outside=_outside(entries))  # type: ignore[arg-type]
    assert (v.first_bad, v.problem) == (8, "truncated")
    v = verify(entries, outside=_outside(entries[:8], upto=8))  # type: ignore[arg-type]
    assert (v.first_bad, v.problem) == (9, "forged")


@pytest.mark.parametrize("at", ["2099-01-01T00:00:00+00:00", "2026-01-01T00:59:59",
                                "yesterday", ""])
def test_a_forged_append_dated_in_the_future_or_not_dated_is_forged_not_fresh(at: str) -> None:
    """An uncopied entry passes only while it is fresh: one dated after now, or whose time
    is no moment at all, is a forgery, never a reason to wait (nor to fail otherwise)."""
    from datetime import timedelta

    entries = chain(10)
    out = _outside(entries)
    forged = replace(entries[-1], id=11, at=at, prev_hash=entries[-1].hash).sealed()
    v = verify([*entries, forged], outside=out)  # type: ignore[arg-type]
    assert (v.ok, v.first_bad, v.problem) == (False, 11, "forged")
    grace = replace(out, grace=timedelta(minutes=5))  # type: ignore[type-var]
    v = verify([*entries, forged], outside=grace)  # type: ignore[arg-type]
    assert (v.ok, v.first_bad, v.problem) == (False, 11, "forged")
