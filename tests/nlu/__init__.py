"""The custom NLU components in bot/nlu."""
