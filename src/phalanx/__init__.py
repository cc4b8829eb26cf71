"""Phalanx: the information system of a collective-security treaty organization."""

__version__ = "0.1.0"
