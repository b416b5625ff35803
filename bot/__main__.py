"""`python -m bot` runs the supportbot CLI."""

from bot.cli import main

raise SystemExit(main())
