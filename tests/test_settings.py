"""bot/settings/: every variable parsed and checked once, the README's table generated
from it, and no other module reading `SUPPORTBOT_*` from the environment."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import pytest

from bot import settings as settings_module
from bot.settings import Settings, SettingsError, declared, get_settings, readme_with_table

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"^SUPPORTBOT_[A-Z0-9_]+$")



def test_readme_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_table(readme) == readme, (
        "README.md's settings table is stale: run `python -m bot.settings --readme`")


def test_unset_variables_give_the_declared_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings().limits.max_message_chars == 2000
    assert Settings().identity.token_max_lifetime == timedelta(days=1)
    assert Settings().desk.db_url.endswith("/var/supportbot.db")


def test_values_are_parsed_by_type() -> None:
    read = Settings.from_env({
        "SUPPORTBOT_RATE_MESSAGES": " 3 ", "SUPPORTBOT_RATE_SECONDS": "0.5",
        "SUPPORTBOT_DEV_LOGIN": "1", "SUPPORTBOT_AUTO_MIGRATE": "off",
        "SUPPORTBOT_TOKEN_MAX_LIFETIME": "30m",
        "SUPPORTBOT_CHAT_ORIGINS": "https://a.example, ,https://b.example",
        "SUPPORTBOT_OUTBOX_URL": "", "SUPPORTBOT_DB_URL": "postgresql://x@db/desk",
    })
    assert read.limits.rate_messages == 3 and read.limits.rate_seconds == 0.5
    assert read.identity.dev_login is True and read.desk.auto_migrate is False
    assert read.identity.token_max_lifetime == timedelta(minutes=30)
    assert read.chat.origins == ("https://a.example", "https://b.example")
    assert read.desk.outbox_url is None  # empty counts as unset
    assert read.desk.db_url == "postgresql://x@db/desk"


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("SUPPORTBOT_RATE_MESSAGES", "ten", "not a whole number"),
    ("SUPPORTBOT_RATE_BYTES", "0", "more than 0"),
    ("SUPPORTBOT_ACTION_TIMEOUT", "soon", "not a number"),
    ("SUPPORTBOT_DEV_LOGIN", "maybe", "not a yes or no"),
    ("SUPPORTBOT_TOKEN_MAX_LIFETIME", "forever", "not a duration"),
    ("SUPPORTBOT_METRICS_PORT", "70000", "port number"),
])
def test_a_bad_value_names_its_variable(name: str, value: str, reason: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}='{value}': .*{reason}"):
        Settings.from_env({name: value})


def test_secrets_stay_out_of_repr() -> None:
    read = Settings.from_env({"SUPPORTBOT_IDENTITY_KEY": "k" * 40,
                              "SUPPORTBOT_RABBITMQ_URL": "amqp://u:hunter2@mq/"})
    assert read.identity.key == "k" * 40
    assert "k" * 40 not in repr(read) and "hunter2" not in repr(read)


def test_the_process_reads_its_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_MAX_MESSAGE_CHARS", "500")
    first = get_settings()
    monkeypatch.setenv("SUPPORTBOT_MAX_MESSAGE_CHARS", "600")
    assert get_settings() is first and first.limits.max_message_chars == 500


def test_every_variable_is_declared_once() -> None:
    names = [item.metadata["env"] for _group, item in declared()]
    assert len(names) == len(set(names))
    assert all(VARIABLE.match(name) for name in names)
    assert all(item.metadata["meaning"] for _group, item in declared())


def test_every_variable_the_project_names_is_declared() -> None:
    """A variable in Rasa's YAML or set for a child process is documented with the rest."""
    declared_names = {item.metadata["env"] for _group, item in declared()}
    named: dict[str, str] = {}
    for path in ROOT.glob("*.yml"):
        for name in re.findall(r"\$\{(SUPPORTBOT_[A-Z0-9_]+)\}", path.read_text()):
            named[name] = path.name
    for path in python_files():
        for node in ast.walk(parsed(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    VARIABLE.match(node.value):
                named[node.value] = str(path.relative_to(ROOT))
    assert {n: where for n, where in named.items() if n not in declared_names} == {}


# -- nobody else reads the environment's SUPPORTBOT_* ---------------------------------------

@lru_cache(maxsize=512)
def parsed(source: str) -> ast.Module:
    """`ast.parse(source)`, once per source in this process: the checks below read every
    module of bot/ and actions/ (about 220, a second to parse) up to three times. The
    trees are only read (about 20 MB kept)."""
    return ast.parse(source)


def python_files() -> list[Path]:
    return sorted(p for package in ("bot", "actions") for p in (ROOT / package).rglob("*.py"))


def variable_constants(source: str) -> dict[str, str]:
    """Names bound to a variable's name (`DB_URL_ENV = "SUPPORTBOT_DB_URL"`)."""
    return {
        target.id: node.value.value
        for node in ast.walk(parsed(source)) if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        and VARIABLE.match(node.value.value)
        for target in node.targets if isinstance(target, ast.Name)
    }


def project_constants() -> dict[str, str]:
    """Such names in any module: one may import another's (`STORAGE_ENV`)."""
    found: dict[str, str] = {}
    for path in python_files():
        found.update(variable_constants(path.read_text(encoding="utf-8")))
    return found


def environment_reads(source: str, constants: dict[str, str] | None = None) -> list[str]:
    """`line: NAME` for each read of a SUPPORTBOT_ variable: the name (or a constant
    holding it) passed to a call (`os.environ.get`, `getenv`, a helper), subscripted
    (`environ[NAME]`) or tested with `in`. Writes for child processes are not reads."""
    tree = parsed(source)
    constants = {**(constants or {}), **variable_constants(source)}

    def variable(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value if VARIABLE.match(node.value) else None
        return constants.get(node.id) if isinstance(node, ast.Name) else None

    reads = []
    for node in ast.walk(tree):
        keys: list[ast.AST] = []
        if isinstance(node, ast.Call):
            keys = list(node.args)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            keys = [node.slice]
        elif isinstance(node, ast.Compare) and any(
                isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            keys = [node.left]
        reads += [f"{node.lineno}: {name}" for key in keys if (name := variable(key))]
    return sorted(reads, key=lambda read: int(read.split(":")[0]))


def test_the_read_check_sees_each_way_of_reading() -> None:
    source = (
        'import os\nNAME = "SUPPORTBOT_A"\nos.environ.get(NAME)\nos.getenv("SUPPORTBOT_B")\n'
        'os.environ["SUPPORTBOT_C"]\nget = os.environ.get\nget("SUPPORTBOT_D", "")\n'
        '"SUPPORTBOT_E" in os.environ\n'
        'os.environ["SUPPORTBOT_F"] = "1"\nenv = {"SUPPORTBOT_G": "1"}\n'
        'print("set SUPPORTBOT_H to ...")\n'
    )
    assert environment_reads(source) == [
        "3: SUPPORTBOT_A", "4: SUPPORTBOT_B", "5: SUPPORTBOT_C", "7: SUPPORTBOT_D",
        "8: SUPPORTBOT_E"]


def test_only_the_settings_module_reads_supportbot_variables() -> None:
    found, constants = {}, project_constants()
    for path in python_files():
        relative = path.relative_to(ROOT)
        if relative.parts[:2] == ("bot", "settings"):
            continue
        if reads := environment_reads(path.read_text(encoding="utf-8"), constants):
            found[str(relative)] = reads
    assert found == {}, "read these through bot.settings.get_settings()"



def test_settings_imports_nothing_of_the_project() -> None:
    """bot/settings/ imports only its own modules (absolutely, as the project does)."""
    package = Path(settings_module.__file__).parent
    imported: dict[str, str] = {}
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update({alias.name: path.name for alias in node.names})
            elif isinstance(node, ast.ImportFrom):
                imported["." * node.level + (node.module or "")] = path.name
    assert {name: where for name, where in imported.items()
            if name.split(".")[0] in ("bot", "actions", "")
            and not name.startswith("bot.settings.")} == {}
