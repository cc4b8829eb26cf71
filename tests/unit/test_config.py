"""The suite leaves the working copy's own audit files alone."""

from __future__ import annotations

from pathlib import Path

from phalanx.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_a_test_writes_no_audit_file_of_the_working_copy() -> None:
    """Settings taken as the command line and the server take them (from the
    environment) name a key and copies of the trail outside the working copy, where
    `make run` keeps its own (var/)."""
    s = Settings()
    for path in (s.audit_key_file, s.checkpoint_file):
        assert not path.resolve().is_relative_to(ROOT), path


def test_a_period_is_a_finite_number_of_seconds_or_minutes() -> None:
    """`inf` would never run the server's due work (nor sign its checkpoints) while
    saying nothing; 0 is the documented way to leave the due work to a timer."""
    import pytest
    from pydantic import ValidationError

    for name in ("due_seconds", "audit_checkpoint_minutes",
                 "audit_checkpoint_max_age_minutes", "audit_copy_grace_seconds"):
        for value in ("inf", "nan", "1e400"):
            with pytest.raises(ValidationError, match="finite"):
                Settings(**{name: value})
    assert Settings(due_seconds="0").due_seconds == 0
