"""`python -m bot.scaleout`: start the scale-out profile (bot/scaleout/launcher.py)."""

import sys

from bot.scaleout.launcher import main

sys.exit(main())
