"""Every account the CAP intake gives of what it did with a message reads in Russian."""

from __future__ import annotations

import itertools

from phalanx.domain.crisis import alerts
from phalanx.web.i18n import errors


def test_every_reason_of_the_intake_is_translated() -> None:
    reasons = {alerts.decide(status=status, msg_type=msg_type, signature=signature,
                             trust=alerts.Trust(), target=target, target_exercise=exercise,
                             route_to_crisis=route, same_sender=same,
                             narrower=narrower).why
               for status, msg_type, signature, target, exercise, route, same, narrower
               in itertools.product(("Actual", "Exercise", "Test", "Draft"),
                                    ("Alert", "Update", "Cancel", "Ack", "Error"),
                                    ("verified", "unsigned", "invalid"),
                                    (None, "crisis", "watch"), (False, True),
                                    (True, False), (True, False), (True, False))}
    assert len(reasons) > 20
    untranslated = sorted(r for r in reasons if errors.translate(r, "ru") == r)
    assert untranslated == []
    assert errors.translate("Ack: stored, not acted on", "ru") == "Ack: сохранено, не применено"


def test_every_warning_of_the_intake_has_a_key_that_reads_in_russian() -> None:
    """The reader's warnings and the scope's note keep a message key and its values:
    the English text is the key filled in, and the Russian catalogue has the key."""
    from phalanx.adapters.cap import parse as cap
    from phalanx.web.i18n import translations
    from phalanx.web.i18n.alert_texts import warning_text
    from tests.support.capfiles import alert, info

    bad = alert(info("x", category="Weather", urgency="Soon", polygons=(
        "43.0,74.0 43.0,75.0 42.0,75.0", "1,1 2,2", "43,74 44,75 45,76 43,74",
        "43.0,74.0 91.5,75.0 42.0,75.0 zz", "43.0,74.0 95,75.0 42.0,75.0")),
        identifier="A B", sent="2026-11-20T06:00:00",
        extra="<references>nonsense</references><note></note>")
    bad = bad.replace(b"<description></description>", b"<description></description>"
                      b"<expires>2000-01-01T00:00:00+00:00</expires>")
    warnings = [p.as_dict() for p in cap.parse(bad).warnings]
    notes = [alerts.audience(s, ("KGZ",), r, a) for s, r, a in (
        ("Restricted", "", ""), ("Restricted", "police", ""), ("Private", "", ""),
        ("Private", "", "ops@x"))]
    warnings += [{"where": "/alert/scope", "message": n.note, "key": n.key,
                  "args": dict(n.args)} for n in notes]
    assert len({w["key"] for w in warnings}) >= 14, warnings
    ru = translations("ru")
    for w in warnings:
        assert w["key"] % w["args"] == w["message"]
        assert ru.gettext(w["key"]) != w["key"], w["key"]
        assert warning_text(w, "en") == w["message"]
        assert warning_text(w, "ru") != w["message"], w
