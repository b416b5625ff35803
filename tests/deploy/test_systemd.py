"""deploy/systemd: `systemd-analyze verify` accepts every unit as an operator installs it
(no warning either), each service is hardened, reads the EnvironmentFile and waits for
the migration unit, and every command line is one the project's programs accept."""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.action_server.__main__ import parse_args as action_server_args
from bot.cli import build_parser
from bot.settings import declared
from tests.support.services import missing
from tests.support.tools import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALLED_ROOT = "/opt/supportbot"  # where the units expect the checkout and its .venv
ENV_FILE = UNITS / "env" / "supportbot.env"
HARDENING = {
    "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
    "ReadWritePaths": f"{INSTALLED_ROOT}/var", "PrivateTmp": "yes", "PrivateDevices": "yes",
    "CapabilityBoundingSet": "", "RestrictSUIDSGID": "yes", "UMask": "0077",
}
# Each unit file, and the instance names `systemd-analyze verify` checks templates with.
INSTANCES = {"supportbot-rasa@.service": ("5005", "5006"),
             "supportbot-actions@.service": ("5055", "5056")}


def unit_files() -> list[Path]:
    return sorted(p for p in UNITS.iterdir() if p.suffix in {".service", ".timer", ".target"})


def services() -> list[Path]:
    return [p for p in unit_files() if p.suffix == ".service"]


def directives(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of each directive, continuation lines joined, in order."""
    found, section, pending = [], "", ""
    for raw in path.read_text().splitlines():
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        else:
            key, _, value = line.partition("=")
            found.append((section, key, value))
    return found


def values(path: Path, key: str) -> list[str]:
    return [value for _, name, value in directives(path) if name == key]


@pytest.fixture(scope="module")
def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        missing("systemd-analyze is not installed (.ci/run installs Debian's systemd)")
    return found


def test_systemd_analyze_verifies_every_unit_as_installed(systemd_analyze: str,
                                                          tmp_path: Path) -> None:
    # Installed as the units expect, but at this checkout: verify checks the commands exist.
    names = []
    for path in unit_files():
        (tmp_path / path.name).write_text(path.read_text().replace(INSTALLED_ROOT, str(ROOT)))
        names += [path.name.replace("@.", f"@{i}.") for i in INSTANCES.get(path.name, ())] \
            or [path.name]
    result = subprocess.run([systemd_analyze, "verify", "--man=no", *names], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert len(names) == len(unit_files()) + 2


def test_systemd_analyze_warns_on_stderr_only(systemd_analyze: str, tmp_path: Path) -> None:
    # Why the test above asks for an empty stderr: a bad value exits 0 with a warning.
    broken = (UNITS / "supportbot-console.service").read_text().replace(INSTALLED_ROOT, str(ROOT))
    (tmp_path / "supportbot-migrate.service").write_text(
        (UNITS / "supportbot-migrate.service").read_text().replace(INSTALLED_ROOT, str(ROOT)))
    (tmp_path / "supportbot-console.service").write_text(
        broken.replace("Restart=on-failure", "Restart=sometimes"))
    result = subprocess.run([systemd_analyze, "verify", "--man=no", "supportbot-console.service"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "restart specifier, ignoring: sometimes" in result.stderr


def test_the_expected_units_are_there() -> None:
    assert {p.name for p in unit_files()} == {
        "supportbot-migrate.service", "supportbot-rasa@.service", "supportbot-actions@.service",
        "supportbot-console.service", "supportbot-metrics.service",
        "supportbot-tracker-prune.service", "supportbot-tracker-prune.timer",
        "supportbot.target"}
    assert values(UNITS / "supportbot-migrate.service", "Type") == ["oneshot"]
    assert values(UNITS / "supportbot-tracker-prune.timer", "Persistent") == ["true"]


@pytest.mark.parametrize("path", services(), ids=lambda p: p.name)
def test_every_service_is_hardened_and_reads_the_environment_file(path: Path) -> None:
    settings = {key: value for section, key, value in directives(path) if section == "Service"}
    assert {key: settings.get(key) for key in HARDENING} == HARDENING
    assert "/etc/supportbot/supportbot.env" in values(path, "EnvironmentFile")
    assert values(path, "User") == ["supportbot"]
    assert values(path, "WorkingDirectory") == [INSTALLED_ROOT]


@pytest.mark.parametrize("path", [p for p in services() if p.name != "supportbot-migrate.service"],
                         ids=lambda p: p.name)
def test_every_other_service_waits_for_the_migration(path: Path) -> None:
    assert "supportbot-migrate.service" in " ".join(values(path, "Requires"))
    assert "supportbot-migrate.service" in " ".join(values(path, "After"))


def exec_start(name: str) -> list[str]:
    [command] = values(UNITS / name, "ExecStart")
    return shlex.split(command)


def test_instances_take_their_port_from_the_instance_name() -> None:
    for name in INSTANCES:
        argv = exec_start(name)
        assert argv[argv.index("--port") + 1] == "%i"
    assert "/etc/supportbot/rasa-%i.env" in " ".join(
        values(UNITS / "supportbot-rasa@.service", "EnvironmentFile"))


def test_every_command_line_is_one_the_programs_accept() -> None:
    venv = f"{INSTALLED_ROOT}/.venv/bin/"
    for path in services():
        argv = exec_start(path.name)
        assert argv[0].startswith(venv), argv
        local = ROOT / ".venv" / "bin" / argv[0].removeprefix(venv)
        assert os.access(local, os.X_OK), local
        if argv[0].endswith("/supportbot"):
            build_parser().parse_args(argv[1:])  # exits (SystemExit) on a wrong command
        else:
            assert argv[1] == "-m" and importlib.util.find_spec(argv[2]) is not None, argv
    prune = exec_start("supportbot-tracker-prune.service")
    assert prune[1:4] == ["tracker", "prune", "--days"]
    actions = action_server_args([a.replace("%i", "5055") for a in
                                  exec_start("supportbot-actions@.service")[3:]])
    assert actions.port == 5055 and actions.actions == "actions"
    rasa = exec_start("supportbot-rasa@.service")
    for option, file in (("--endpoints", "endpoints.scaled.yml"),
                         ("--credentials", "credentials.yml")):
        assert rasa[rasa.index(option) + 1] == file and (ROOT / file).is_file()


def env_file(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_the_environment_file_sets_only_declared_variables_and_passes_the_check() -> None:
    variables = env_file(ENV_FILE)
    known = {item.metadata["env"] for _, item in declared()}
    assert set(variables) - known == set()
    for extra in (UNITS / "env").glob("rasa-*.env"):
        assert set(env_file(extra)) == {"SUPPORTBOT_ACTIONS_URL"}
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "bot.settings",
                             "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": os.environ.get("PATH", ""), **variables})
    assert result.returncode == 0, result.stderr
