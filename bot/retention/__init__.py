"""Deleting conversations nobody needs any more: `supportbot tracker prune`."""
