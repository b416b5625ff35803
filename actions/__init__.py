"""Rasa SDK action server for supportbot: thin adapters from the dialogue to `bot.desk`.

One module per concern; `rasa run actions --actions actions` imports them all.
"""
