"""Every `SUPPORTBOT_*` environment variable: its name, type, default and meaning, read once.

    from bot.settings import get_settings
    get_settings().limits.max_message_chars     # 2000 unless SUPPORTBOT_MAX_MESSAGE_CHARS

`Settings.from_env(environ)` parses and checks every variable at once; a value that cannot
be read stops the process with a `SettingsError` naming the variable, instead of a
default taken silently or a crash on the first message. `get_settings()` does that for
`os.environ` on first use and keeps the result for the life of the process; tests build
their own with `Settings.from_env({"SUPPORTBOT_...": "..."})` (tests/conftest.py forgets
the process's copy around each test, so one that sets a variable still sees it).

A variable set to the empty string counts as unset. The README's configuration table is
generated from the declarations (`python -m bot.settings --readme` rewrites it;
tests/test_settings.py fails when it differs). Rasa substitutes `${SUPPORTBOT_...}` in
endpoints.yml itself; those variables are declared here too, so that they are documented
with the rest.

One module per concept:

    paths.py       where the checkout, its var/ and README.md are
    declaring.py   `setting()`: a variable's name, default and meaning; shared checks
    stack.py       the desk's databases, Rasa, the action server
    chat.py        chat sign-in, channels, message size and rate limits
    console.py     the agents' console, trainers, the live queue and alerts
    deployment.py  metrics, RabbitMQ and Redis, `make run-scaled`
    parsing.py     a value's text read as its type (yes/no, numbers, durations, lists)
    loading.py     `Settings`: every group read from the environment, `get_settings()`
    readme.py      the README's table
    __main__.py    `python -m bot.settings --markdown | --readme | --check`

A new variable goes in its concern's group (a new group also in `Settings`). Nothing here
imports the rest of the project: every module may depend on it.
"""

from bot.settings.chat import ChatSettings, IdentitySettings, LimitsSettings
from bot.settings.console import AlertsSettings, ConsoleSettings, TrainerSettings
from bot.settings.declaring import Check, port, positive, setting
from bot.settings.deployment import BrokerSettings, MetricsSettings, ScaleoutSettings
from bot.settings.loading import Settings, SettingsError, declared, get_settings
from bot.settings.parsing import format_duration, parse_duration
from bot.settings.paths import README, ROOT, VAR
from bot.settings.readme import (
    BEGIN_TABLE,
    END_TABLE,
    markdown_table,
    readme_with_table,
    shown_default,
)
from bot.settings.stack import ActionsSettings, DeskSettings, RasaSettings

__all__ = [
    "BEGIN_TABLE", "END_TABLE", "README", "ROOT", "VAR", "ActionsSettings", "AlertsSettings",
    "BrokerSettings", "ChatSettings", "Check", "ConsoleSettings", "DeskSettings",
    "IdentitySettings", "LimitsSettings", "MetricsSettings", "RasaSettings",
    "ScaleoutSettings", "Settings", "SettingsError", "TrainerSettings", "declared",
    "format_duration", "get_settings", "markdown_table", "parse_duration", "port",
    "positive", "readme_with_table", "setting", "shown_default",
]
