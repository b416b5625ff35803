"""Helpers shared by the tests: plain functions and constants here, fixtures in the
conftest.py files (or the fixture modules below, registered by tests/conftest.py).
No test module imports another test module; what two of them share lives here."""
