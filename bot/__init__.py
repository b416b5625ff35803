"""supportbot: the product's own code (appeal desk, NLU components, CLI)."""
