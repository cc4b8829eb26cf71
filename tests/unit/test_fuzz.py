"""Hostile input to the importers: random bytes and mutated real files never crash
the CAP reader or the result checker, and never take unbounded time or memory."""

from __future__ import annotations

import contextlib
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phalanx.adapters.cap import parse as cap
from phalanx.domain.operations.results import COLUMNS, Stage, check_row
from tests.conftest import SHARED, shared_file
from tests.support.capfiles import ALERT

# deterministic in the suite (CI must not fail at random); PHALANX_FUZZ_EXAMPLES=5000
# PHALANX_FUZZ_RANDOM=1 runs a long random hunt
RANDOM = os.environ.get("PHALANX_FUZZ_RANDOM") == "1"
N = int(os.environ.get("PHALANX_FUZZ_EXAMPLES", "300"))
REAL = (SHARED / "fixtures" / "cap" / "oasiscap" / "v1dot2_appendix_adot1.xml")


def _real() -> bytes:
    return REAL.read_bytes() if REAL.exists() else ALERT


@settings(max_examples=N, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=not RANDOM, database=None)
@given(st.binary(max_size=4096))
def test_random_bytes_are_refused_cleanly(data: bytes) -> None:
    problems: list[cap.CapProblem] = []
    try:
        cap.parse(data)
    except cap.CapError as exc:
        problems = exc.problems
        assert problems
    assert all(p.message for p in problems)


@settings(max_examples=N, deadline=None, derandomize=not RANDOM, database=None)
@given(st.data())
def test_mutated_real_alerts_never_crash(data: st.DataObject) -> None:
    real = bytearray(_real())
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(real) - 1))
        real[i] = data.draw(st.integers(0, 255))
    with contextlib.suppress(cap.CapError):  # refusing is fine; crashing is not
        cap.parse(bytes(real))


STAGES = {"s": Stage("s", date(2026, 1, 1), date(2026, 12, 31))}
cells = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**9, 10**9),
                  st.floats(allow_nan=True, allow_infinity=True))


@settings(max_examples=N, deadline=None, derandomize=not RANDOM, database=None)
@given(st.fixed_dictionaries({c: cells for c in COLUMNS}),
       st.sampled_from(["anti_drug", "migration", "information"]))
def test_random_rows_are_checked_never_crash(raw: dict[str, object], kind: str) -> None:
    row, problems = check_row(raw, kind, STAGES)
    assert (row is None) == bool(problems)
    if row is not None:
        assert row.quantity >= 0 and row.unit in ("kg", "l", "count")


def test_the_fuzz_corpus_is_there() -> None:
    assert shared_file("fixtures", "cap", "oasiscap", REAL.name).exists()


def test_an_unknown_encoding_is_refused_not_raised() -> None:
    """Found by the fuzzing above: a mutated XML declaration naming no real encoding."""
    data = ALERT.replace(b'"UTF-8"', b'"ATF-8"', 1)
    assert b"ATF-8" in data
    with pytest.raises(cap.CapError, match="not well-formed"):
        cap.parse(data)
