"""Who a command's audit entries name: the account of the process's own user id, never
what the environment says, and, run under another account, the person logged in."""

from __future__ import annotations

import os
import pwd

import pytest

from phalanx.cli import common
from phalanx.domain.access.principal import Role


def _me() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


def test_the_environment_does_not_name_the_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    """`LOGNAME=bob phalanx crises open ...` run by another account is not audited as bob."""
    monkeypatch.setattr(common, "_login_uid", lambda: None)
    monkeypatch.delenv("SUDO_UID", raising=False)
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "someone-else")
    who = common.operator()
    assert who.username == f"system:{_me()}"
    assert who.role is Role.SYSTEM


def test_a_command_run_under_another_account_names_the_person_logged_in(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`sudo -u phalanx phalanx decisions sign ...`: the entries name the service account
    and the person at the keyboard (the kernel's login id, which sudo keeps)."""
    names = {os.getuid(): "phalanx", 4321: "alice"}
    monkeypatch.setattr(common, "_account", lambda uid: names[uid])
    monkeypatch.setattr(common, "_login_uid", lambda: 4321)
    assert common.operator().username == "system:phalanx (login alice)"
    monkeypatch.setattr(common, "_login_uid", lambda: os.getuid())
    assert common.operator().username == "system:phalanx"


def test_without_a_login_id_the_account_sudo_names_is_said(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "_account", lambda uid: "phalanx")
    monkeypatch.setattr(common, "_login_uid", lambda: None)
    monkeypatch.setenv("SUDO_UID", str(os.getuid() + 1))
    monkeypatch.setenv("SUDO_USER", "alice")
    assert common.operator().username == "system:phalanx (sudo alice)"
    monkeypatch.setenv("SUDO_UID", str(os.getuid()))  # sudo to oneself: nothing to add
    assert common.operator().username == "system:phalanx"

