"""Rasa input channels of our own (listed in credentials.yml)."""
