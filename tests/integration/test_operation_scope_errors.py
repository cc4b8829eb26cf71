"""A stage, metric or unit that is none of the operation's is refused with what and where,
not answered with totals of zero: a mistyped stage ("spring-2099"), metric ("seizures")
or unit ("kgs") read as if nothing had been seized."""

from __future__ import annotations

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services import operations as ops
from phalanx.services import opsreport
from phalanx.services.db import Database
from phalanx.services.errors import Invalid

SEC = Principal("sec", Role.SECRETARIAT)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.mark.parametrize(("asked", "field", "message"), [
    ({"stage": "spring-2099"}, "stage", "unknown stage 'spring-2099' (stages: spring-2025"),
    ({"metric": "seizures"}, "metric", "unknown metric 'seizures'"),
    ({"unit": "kgs"}, "unit", "'kgs' is not one of kg, l, count"),
])
def test_a_scope_not_the_operations_is_refused(db: Database, asked: dict[str, str],
                                               field: str, message: str) -> None:
    with db.read() as conn, pytest.raises(Invalid) as refused:
        ops.statistics(conn, "channel", ["state"], actor=SEC, **asked)
    assert refused.value.where == field and message in str(refused.value)


def test_the_pages_figures_and_corridors_refuse_an_unknown_stage(db: Database) -> None:
    with db.read() as conn:
        for figures in (lambda: opsreport.dashboard(conn, "channel", actor=SEC,
                                                    stage="spring-2099"),
                        lambda: ops.corridors(conn, "channel", actor=SEC,
                                              stage="spring-2099"),
                        lambda: opsreport.statistics_csv(conn, "channel", actor=SEC,
                                                         marking="", stage="spring-2099")):
            with pytest.raises(Invalid, match="unknown stage"):
                figures()
        # the operation's own stage, metric and unit are read as before
        s = ops.statistics(conn, "channel", ["state"], actor=SEC, stage="spring-2025",
                           metric="seizure", unit="kg")
    assert s.rows == []  # nothing reported yet: a true zero
