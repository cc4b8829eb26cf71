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
    _tree(monkeypatch, ("bash", os.getuid(), os.getuid()))
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
    # a long service account's name is cut to the records' 64 characters, not the person
    names[os.getuid()] = "phalanx-" + "x" * 80
    monkeypatch.setattr(common, "_login_uid", lambda: 4321)
    who = common.operator().username
    assert len(who) == 64 and who.endswith(" (login alice)") and who.startswith(
        "system:phalanx-xxx")


def _tree(monkeypatch: pytest.MonkeyPatch, *ancestors: tuple[str, int, int]) -> None:
    """The command's ancestors, its parent first: (name, real uid, effective uid)."""
    table = {100 + n: (100 + n + 1, name, real, effective)
             for n, (name, real, effective) in enumerate(ancestors)}
    monkeypatch.setattr(common.os, "getppid", lambda: 100)
    monkeypatch.setattr(common, "_process", table.get)


def test_without_a_login_id_the_person_who_ran_sudo_is_said(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`sudo -u phalanx phalanx ...` in a container (no login id): the account of the
    process that ran sudo, read from the process tree."""
    me = os.getuid()
    names = {me: "phalanx", 4321: "alice"}
    monkeypatch.setattr(common, "_account", lambda uid: names.get(uid, f"uid-{uid}"))
    monkeypatch.setattr(common, "_login_uid", lambda: None)
    monkeypatch.delenv("SUDO_UID", raising=False)
    _tree(monkeypatch, ("sudo", 0, 0), ("bash", 4321, 4321), ("sshd", 0, 0))
    assert common.operator().username == "system:phalanx (sudo alice)"
    # a root shell opened with sudo (`sudo -i`, then the command): still the person
    _tree(monkeypatch, ("bash", me, me), ("sudo", 0, 0), ("bash", 4321, 4321))
    assert common.operator().username == "system:phalanx (sudo alice)"
    _tree(monkeypatch, ("su", me, 0), ("bash", 4321, 4321))
    assert common.operator().username == "system:phalanx (su alice)"
    # run from the account's own login, or by a service: no one else to name
    _tree(monkeypatch, ("bash", me, me), ("sshd", 0, 0))
    assert common.operator().username == "system:phalanx"
    _tree(monkeypatch, ("cron", 0, 0))
    assert common.operator().username == "system:phalanx"


def test_sudos_variables_set_by_hand_name_no_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """`SUDO_UID=1001 SUDO_USER=alice phalanx decisions sign ...` typed by bob under the
    service account, with no sudo in between: the trail does not say alice ran it."""
    me = os.getuid()
    names = {me: "phalanx", 4321: "alice", 1234: "bob"}
    monkeypatch.setattr(common, "_account", lambda uid: names.get(uid, f"uid-{uid}"))
    monkeypatch.setattr(common, "_login_uid", lambda: None)
    monkeypatch.setenv("SUDO_UID", "4321")
    monkeypatch.setenv("SUDO_USER", "alice")
    _tree(monkeypatch, ("bash", me, me), ("sshd", 0, 0))
    assert common.operator().username == "system:phalanx"
    # nor a program that calls itself sudo without root's rights
    _tree(monkeypatch, ("sudo", 1234, 1234), ("bash", 1234, 1234))
    assert common.operator().username == "system:phalanx (run by bob)"


def test_a_process_tree_not_to_be_read_names_no_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "_login_uid", lambda: None)
    monkeypatch.setenv("SUDO_UID", str(os.getuid() + 1))
    monkeypatch.setenv("SUDO_USER", "alice")
    monkeypatch.setattr(common.os, "getppid", lambda: 100)
    monkeypatch.setattr(common, "_process", lambda pid: None)
    assert common.operator().username == f"system:{_me()}"


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="no /proc")
def test_the_process_tree_is_read_from_the_kernel() -> None:
    parent, name, real, effective = common._process(os.getpid()) or (0, "", -1, -1)
    assert (parent, real, effective) == (os.getppid(), os.getuid(), os.geteuid())
    assert name
    assert common._process(2**22 + 1) is None  # no such process
