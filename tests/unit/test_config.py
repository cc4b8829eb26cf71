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
