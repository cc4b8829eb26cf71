"""nginx in front of the application, configured from the example in docs/deploy.md.

`nginx_binary` (session): Debian's nginx (package nginx-light); the tests that need it
skip without it, except under PHALANX_REQUIRE_ALL=1 (CI), where they fail.

`deploy_config(...)` takes the ```nginx block of docs/deploy.md and changes only what
must differ on a test machine: the listening addresses and ports, the upstream servers
and the certificate paths. `run_nginx(...)` starts it in a directory of its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest

from tests.support.postgres import require_or_skip

DEPLOY_MD = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
SERVER_NAME = "phalanx.secretariat.example"


@pytest.fixture(scope="session")
def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
    if found is None:
        require_or_skip("no nginx (Debian package nginx-light) for the reverse-proxy test")
    return str(found)


def deploy_block() -> str:
    text = DEPLOY_MD.read_text(encoding="utf-8")
    match = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert match, "docs/deploy.md has no ```nginx block"
    return match.group(1)


def deploy_config(upstreams: list[int], https_port: int, http_port: int, cert: Path,
                  key: Path) -> str:
    """The server blocks of docs/deploy.md for 127.0.0.1 and these ports."""
    block = deploy_block()
    servers = "".join(f"  server 127.0.0.1:{p};\n" for p in upstreams)
    block, n = re.subn(r"(upstream phalanx \{\n)(?:  server [^\n]*\n)+", rf"\g<1>{servers}",
                       block)
    assert n == 1, "the upstream block of docs/deploy.md has changed shape"
    for pattern, replacement in (
            (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
            (r"ssl_certificate +\S+;", f"ssl_certificate {cert};"),
            (r"ssl_certificate_key +\S+;", f"ssl_certificate_key {key};")):
        block, n = re.subn(pattern, replacement, block)
        assert n == 1, f"docs/deploy.md: expected one {pattern!r}"
    return block


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for SERVER_NAME and 127.0.0.1, and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName(SERVER_NAME), x509.IPAddress(IPv4Address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "phalanx.crt", directory / "phalanx.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextmanager
def run_nginx(binary: str, upstreams: list[int], https_port: int,
              http_port: int) -> Iterator[tuple[Path, Path]]:
    """nginx on 127.0.0.1 in the foreground; yields (certificate, access log). The access
    log has one line per request: the request id nginx made, the status, the upstream."""
    prefix = Path(tempfile.mkdtemp(prefix="phalanx-nginx-"))
    try:
        prefix.chmod(0o755)  # workers run as an unprivileged user when started by root
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / sub).mkdir(mode=0o777)
            (prefix / sub).chmod(0o777)
        cert, key = self_signed(prefix)
        access = prefix / "access.log"
        conf = prefix / "nginx.conf"
        conf.write_text(
            f"daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
            f"error_log {prefix}/error.log info;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "  log_format ids '$request_id $status $upstream_addr $request_uri';\n"
            f"  access_log {access} ids;\n"
            + "".join(f"  {sub}_temp_path {prefix}/{sub};\n"
                      for sub in ("proxy", "fastcgi", "uwsgi", "scgi"))
            + f"  client_body_temp_path {prefix}/body;\n"
            + deploy_config(upstreams, https_port, http_port, cert, key) + "}\n",
            encoding="utf-8")
        check = subprocess.run([binary, "-t", "-p", str(prefix), "-e", str(prefix / "error.log"),
                                "-c", str(conf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([binary, "-p", str(prefix), "-e", str(prefix / "error.log"),
                                 "-c", str(conf)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            _wait_for_port(https_port, proc)
            yield cert, access
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("nginx did not listen")

