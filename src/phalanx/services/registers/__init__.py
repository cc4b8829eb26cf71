"""The year-round registers (Parliamentary Assembly, military-technical cooperation,
training quotas, joint exercises, external relations): one module each, the rules in
`phalanx.domain.registers`, every read through the access filter, every change one
audited transaction. `seed` fills them from the dataset when it is loaded."""
