"""Rasa SDK action server for supportbot: thin adapters from the dialogue to `bot.desk`.

One module per concern; the action server (`python -m bot.action_server`) imports them all.
"""
