"""The built-in dataset records what an agreement did to an earlier one, as the seeds
give it: the 1999 protocol extended the Treaty, the 2010 and 2018 protocols amended the
Charter; an agreement naming a later one, or one not in the file, is refused with its
place."""

from __future__ import annotations

import pytest

from phalanx.dataset import loader
from phalanx.dataset.loader import DatasetError


def test_the_seeds_acts_that_extended_or_amended_others() -> None:
    org = loader.read(loader.builtin_path())[0]
    got = {k: (a.modifies, a.effect) for k, a in org.agreements.items() if a.modifies}
    assert got == {"extension-1999": ("cst-1992", "extends"),
                   "charter-amendment-2010": ("charter-2002", "amends"),
                   "charter-amendment-2018": ("charter-2002", "amends")}
    treaty, protocol = org.agreements["cst-1992"], org.agreements["extension-1999"]
    # the Treaty's first term (five years from 1994-04-20) ended before the protocol
    # entered into force; the six signatories of the protocol stayed parties throughout
    assert treaty.term_years == 5 and protocol.in_force is not None
    assert protocol.in_force > treaty.in_force.replace(year=treaty.in_force.year + 5)
    six = {p.state for p in protocol.parties if p.bound.start is not None}
    assert all(p.bound.end is None for p in treaty.parties if p.state in six)


@pytest.mark.parametrize(("modifies", "message"), [
    ("{agreement: charter-2002, effect: amends}",
     "agreements.0.modifies.agreement: charter-2002 was signed on 2002-10-07, after this "
     "agreement (1992-05-15): an agreement modifies only an earlier one"),
    ("{agreement: no-such-treaty, effect: repeals}",
     "agreements.0.modifies.agreement: unknown agreement 'no-such-treaty'"),
])
def test_an_agreement_modifies_only_an_earlier_one_of_the_file(modifies: str,
                                                             message: str) -> None:
    text = loader.builtin_path().read_text(encoding="utf-8")
    bad = text.replace("    term_years: 5\n", f"    term_years: 5\n    modifies: {modifies}\n", 1)
    assert bad != text
    with pytest.raises(DatasetError) as refused:
        loader.parse(bad)
    assert message in str(refused.value)
