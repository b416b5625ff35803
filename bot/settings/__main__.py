"""`python -m bot.settings`: print the table, rewrite it in the README, or check this
environment."""

from __future__ import annotations

import argparse
import os
import sys

from bot.settings.loading import Settings, SettingsError
from bot.settings.paths import README
from bot.settings.readme import markdown_table, readme_with_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.settings",
                                     description="supportbot's environment variables")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--markdown", action="store_true", help="print the table")
    action.add_argument("--readme", action="store_true",
                        help="rewrite the table in README.md between its markers")
    action.add_argument("--check", action="store_true",
                        help="read this environment and say whether every value is usable")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown_table(), end="")
    elif args.readme:
        README.write_text(readme_with_table(README.read_text(encoding="utf-8")),
                          encoding="utf-8")
    else:
        try:
            print(Settings.from_env(os.environ))
        except SettingsError as error:
            print(f"supportbot: {error}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
