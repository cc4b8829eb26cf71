"""The marking line a printed report carries says the widest data it may include: for a
national agency's reporter, its own agency's national data, not its state's all."""

from __future__ import annotations

from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services.registers.overview import marking_for
from phalanx.web.i18n import texts_for


def test_a_reporters_copy_names_its_agency_a_representatives_its_state() -> None:
    police = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
    rep = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
    assert marking_for(police).endswith("NATIONAL data of KAZ's police")
    assert marking_for(rep).endswith("includes PARTICIPANTS and NATIONAL data of KAZ")
    ru = marking_for(police, texts_for("ru"))
    assert ru.endswith("НАЦИОНАЛЬНЫЕ данные KAZ (ведомство: полиция)"), ru


def test_the_operations_dashboards_print_names_the_reporters_agency() -> None:
    from phalanx.web.pages.operations import _marking

    police = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
    assert _marking(police).endswith("includes NATIONAL data of KAZ's police")
    assert _marking(police, "ru").endswith("НАЦИОНАЛЬНЫЕ данные KAZ (ведомство: полиция)")
    rep = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
    assert _marking(rep).endswith("includes NATIONAL data of KAZ")
