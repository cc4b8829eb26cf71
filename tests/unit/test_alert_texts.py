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
