"""Every message the fetching of a feed writes (`adapters/guarded_http.py`: a refusal, a
failure of the network or the server) and every problem a feed's index reports
(`services/feeds.py`, `services/distributions.py`) reads in Russian. The messages are
read from the sources themselves, each value of an f-string given a sample, so a new
message written in English only fails here, as does a value this test has no sample
for (give it one)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from phalanx.web.i18n.errors import translate

SRC = Path(__file__).resolve().parents[2] / "src" / "phalanx"
FILES = [SRC / "adapters" / "guarded_http.py", SRC / "services" / "feeds.py",
         SRC / "services" / "distributions.py"]
# a sample of each value the messages write, by its source
SAMPLES = {
    "host": "alerts.kz", "port": "5432", "scheme": "http", "DEFAULT_PORTS[scheme]": "80",
    "SETTING_PORTS": "PHALANX_FEED_ALLOW_PORTS",
    "SETTING_NETWORKS": "PHALANX_FEED_ALLOW_NETWORKS",
    "REACH": "which feeds may not reach (networks allowed anyway are set by "
             "PHALANX_FEED_ALLOW_NETWORKS)",
    "shown": "10.0.0.1", "why": "a private network's address",
    "_lookup_failure(exc)": "no such name", "where": "https://alerts.kz/a.xml",
    "url": "https://alerts.kz/a.xml", "_said(exc, policy.timeout_s)": "the connection was reset",
    "_said(exc, timeout)": "the connection was refused", "MAX_REDIRECTS": "5",
    "r.status": "503", "r.reason": "Service Unavailable", "policy.deadline_s": "60",
    "timeout_s": "20", "policy.max_bytes": "4096", "length.strip()": "9000",
    "exc": "the connection was refused", "type(exc).__name__": "IncompleteRead",
    "address": "10.0.0.1", "plain": "10.0.0.1", "data.url": "https://alerts.kz/a.xml",
    "data.country": "XYZ", "', '.join(SEVERITY_RANK)": "Extreme, Severe", "bad": "['Nope']",
}
# messages that quote a library's own words after a Russian frame (`TECHNICAL` cases of
# test_staff_refusals_in_russian), by their English beginning
QUOTING = {"not an HTTP answer (": "(", "the server's certificate is not accepted: ": ": "}
LATIN = re.compile(r"\b(?!(?:CAP|HTTP|XML|Atom|RSS|DOCTYPE|PHALANX_\w+|http|https|"
                   r"IncompleteRead|contentObject|entry|Extreme|Severe|Nope|XYZ)\b)[A-Za-z]{3,}\b")
# the messages that are no feed's: a setting refused at start names its entry in English
# (the app does not start), and what a poll logs
NOT_SHOWN = ("is not a network", "is not a port", "feed poll:")


def _sample(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                source = ast.unparse(part.value)
                assert source in SAMPLES, f"give {source!r} a sample in SAMPLES"
                out.append(SAMPLES[source])
            else:
                out.append(_sample(part))
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _sample(node.left) + _sample(node.right)
    raise AssertionError(f"a message that is neither a text nor an f-string: "
                         f"{ast.unparse(node)}")


def _texts(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant | ast.JoinedStr) and (
        not isinstance(node, ast.Constant) or isinstance(node.value, str))


def messages() -> list[str]:
    """What the sources write as a message: a raised error's text, a text returned by a
    function that says why, the index's problems, the network's failures."""
    found: list[str] = []
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and not any(n in ast.unparse(node) for n in NOT_SHOWN):
                kind = ast.unparse(node.exc.func)
                args = node.exc.args[1:] if kind == "Invalid" else node.exc.args
                if kind != "NotFound" and args and _texts(args[0]):
                    found.append(_sample(args[0]))
            elif isinstance(node, ast.FunctionDef) and node.name in (
                    "_said", "_lookup_failure", "why_refused", "reachable"):
                found += [_sample(r.value) for r in ast.walk(node)
                          if isinstance(r, ast.Return) and r.value is not None
                          and _texts(r.value)]
                found += [_sample(t.elts[1]) for t in ast.walk(node)
                          if isinstance(t, ast.Tuple) and len(t.elts) == 2
                          and all(_texts(e) for e in t.elts)]
            elif isinstance(node, ast.Call) and ast.unparse(node.func) in (
                    "_skipped", "skipped", "cap.CapProblem", "CapProblem") \
                    and len(node.args) >= 2 and _texts(node.args[1]):
                found.append(_sample(node.args[1]))
            elif isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == \
                    "NETWORK_FAILURES" and isinstance(node.value, ast.Dict):
                found += [_sample(v) for v in node.value.values if v is not None]
    return [m for m in found if m]  # ("" is no message: nothing to warn of)


def test_the_sources_are_read() -> None:
    found = messages()
    assert len(found) > 30
    assert "only http and https are fetched" in found
    assert "an entry with neither a CAP alert nor a link to one, skipped" in found
    assert "the connection was refused" in found


@pytest.mark.parametrize("english", messages())
def test_every_message_of_a_feed_reads_in_russian(english: str) -> None:
    shown = translate(english, "ru", labelled=True)
    assert shown != english, english
    for start, before in QUOTING.items():
        if english.startswith(start):
            shown = shown.split(before, 1)[0]
    assert not LATIN.search(shown.replace("alerts.kz", "").replace("a.xml", "")), shown
