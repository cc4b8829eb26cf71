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


def test_a_syslog_witness_is_a_host_and_port_or_a_socket_path() -> None:
    """A syslog witness the copy cannot be sent to is refused when the settings are read,
    naming the setting: not taken for a socket path beside the working directory (every
    copy then failing, the command exiting 0), nor a traceback at the first entry."""
    import pytest
    from pydantic import ValidationError

    for value in ("witness.internal", "witness.internal:abc", ":514", "host:0",
                  "host:70000", "relative/socket"):
        with pytest.raises(ValidationError, match="PHALANX_AUDIT_WITNESS_SYSLOG"):
            Settings(audit_witness_syslog=value)
    for value in ("witness.internal:514", "192.0.2.7:5514"):
        assert Settings(audit_witness_syslog=value).audit_witness_syslog == value
    assert Settings(audit_witness_syslog=" ").audit_witness_syslog is None


def test_a_witness_directory_that_is_not_there_is_refused(tmp_path: Path) -> None:
    """A witness directory mistyped, or its share not mounted, is refused naming the
    setting, rather than made on this host, where its copies would witness nothing."""
    import pytest
    from pydantic import ValidationError

    missing = tmp_path / "share" / "phalanx"
    with pytest.raises(ValidationError, match=f"PHALANX_AUDIT_WITNESS_DIR: {missing}"):
        Settings(audit_witness_dir=missing)
    assert not missing.exists()
    missing.mkdir(parents=True)
    assert Settings(audit_witness_dir=missing).audit_witness_dir == missing


def test_a_proxy_is_named_by_its_address_or_network() -> None:
    """A host name or a mistyped address among the proxies is refused naming the setting:
    uvicorn would take it for a literal no peer matches, and believe no proxy at all."""
    import pytest
    from pydantic import ValidationError

    for value in ("nginx.internal", "10.0.0.l", "127.0.0.1, proxy", "10.0.0.0/33"):
        with pytest.raises(ValidationError, match="PHALANX_FORWARDED_ALLOW_IPS"):
            Settings(forwarded_allow_ips=value)
    for value in ("", "127.0.0.1", "10.0.0.5, 10.1.0.0/16", "::1", "*"):
        assert Settings(forwarded_allow_ips=value).forwarded_allow_ips == value


def test_a_cap_trust_file_is_read_when_the_settings_are(tmp_path: Path) -> None:
    """A trust file that is missing, is not `sender: [certificate.pem, ...]`, or names a
    certificate that is not there is refused at start naming the setting and the file:
    the server took it and answered every CAP alert received with a server error."""
    import pytest
    from pydantic import ValidationError

    trust = tmp_path / "trust.yaml"
    with pytest.raises(ValidationError, match=f"PHALANX_CAP_TRUST_FILE: {trust}: No such"):
        Settings(cap_trust_file=trust)
    trust.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"PHALANX_CAP_TRUST_FILE: .*sender"):
        Settings(cap_trust_file=trust)
    trust.write_text('"kaz-ses": [anchor.pem]\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=f"PHALANX_CAP_TRUST_FILE: {tmp_path}/anchor"):
        Settings(cap_trust_file=trust)
    (tmp_path / "anchor.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    assert Settings(cap_trust_file=trust).cap_trust_file == trust


def test_a_syslog_socket_path_is_a_socket() -> None:
    """A socket path where no syslog daemon listens is refused at start: each copy sent
    there failed with a logging traceback while the entry stayed committed, uncopied."""
    import socket
    import tempfile

    import pytest
    from pydantic import ValidationError

    with tempfile.TemporaryDirectory() as short:  # a socket's path is at most 107 bytes
        missing = Path(short) / "log"
        with pytest.raises(ValidationError,
                           match=f"PHALANX_AUDIT_WITNESS_SYSLOG: {missing} is"):
            Settings(audit_witness_syslog=str(missing))
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as daemon:
            daemon.bind(str(missing))
            assert Settings(audit_witness_syslog=str(missing)).audit_witness_syslog == \
                str(missing)


def test_a_checkpoint_file_is_not_a_directory(tmp_path: Path) -> None:
    """The checkpoint file setting naming a directory is refused at start, naming it: found
    only when copying, the entries were committed and left uncopied."""
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=f"PHALANX_AUDIT_CHECKPOINT_FILE: {tmp_path} is"):
        Settings(audit_checkpoint_file=tmp_path)
    file = tmp_path / "audit-checkpoints.jsonl"
    assert Settings(audit_checkpoint_file=file).audit_checkpoint_file == file
