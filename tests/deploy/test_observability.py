"""deploy/observability: Prometheus accepts the scrape config and the alert rules
(promtool from Debian's prometheus package), each alert fires on synthetic series in
promtool's own rule tests, and the rules and the Grafana dashboard read only metrics
that bot/metrics/ really serves."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.promql import exposed_metric_names, metric_names
from tests.support.services import missing
from tests.support.tools import ROOT

PACK = ROOT / "deploy" / "observability"
RULES = PACK / "rules" / "supportbot.yml"
RULE_TESTS = PACK / "tests" / "supportbot_test.yml"
DASHBOARD = PACK / "grafana" / "supportbot.json"
ALERTS = {"SupportbotUrgentTicketsPastTarget", "SupportbotHighFallbackRate",
          "SupportbotSlowReplies", "SupportbotBrokerDisconnected", "SupportbotInstanceDown"}


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        missing("promtool is not installed (.ci/run installs Debian's prometheus)")
    return found


def run(*args: str, cwd: Path = PACK) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=120)


def alert_rules() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def test_promtool_accepts_the_rules(promtool: str) -> None:
    result = run(promtool, "check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alert_rules())} rules found" in result.stdout


def test_promtool_accepts_the_scrape_config_as_installed(promtool: str, tmp_path: Path) -> None:
    # As an operator installs it: the config, its rules/ and the token file side by side.
    shutil.copy(PACK / "prometheus.yml", tmp_path)
    shutil.copytree(PACK / "rules", tmp_path / "rules")
    (tmp_path / "supportbot-metrics.token").write_text("a-token\n")
    result = run(promtool, "check", "config", "prometheus.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 1 rule files found" in result.stdout
    jobs = {job["job_name"] for job in
            yaml.safe_load((PACK / "prometheus.yml").read_text())["scrape_configs"]}
    assert jobs == {"supportbot-rasa", "supportbot-metrics"}


def test_every_alert_fires_in_promtools_rule_tests(promtool: str) -> None:
    result = run(promtool, "test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    fired = {case["alertname"]
             for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
             for case in test.get("alert_rule_test", []) if case.get("exp_alerts")}
    assert ALERTS <= {rule["alert"] for rule in alert_rules()}
    assert fired == {rule["alert"] for rule in alert_rules()}


def test_rules_and_their_tests_name_only_existing_metrics() -> None:
    exposed = exposed_metric_names()
    read = set().union(*(metric_names(rule["expr"]) for rule in alert_rules()))
    series = {case["series"].split("{")[0]
              for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
              for case in test["input_series"]}
    assert "supportbot_tickets_overdue" in read and "up" in read
    assert read - exposed == set()
    assert series - exposed == set()


def test_dashboard_names_only_existing_metrics() -> None:
    exprs = dashboard_exprs()
    exposed = exposed_metric_names()
    unknown = {expr: sorted(metric_names(expr) - exposed) for expr in exprs
               if metric_names(expr) - exposed}
    assert len(exprs) >= 10 and all(metric_names(expr) for expr in exprs)
    assert unknown == {}


def test_dashboard_queries_parse(promtool: str, tmp_path: Path) -> None:
    # promtool parses PromQL in rule files: each panel's query becomes a recording rule,
    # with Grafana's variables given values as Grafana would.
    def concrete(expr: str) -> str:
        return (expr.replace("$__rate_interval", "5m").replace("$job_rasa", "supportbot-rasa")
                .replace("$instance", ".*"))
    rules = [{"record": f"dashboard:query_{index}", "expr": concrete(expr)}
             for index, expr in enumerate(dashboard_exprs())]
    path = tmp_path / "dashboard.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = run(promtool, "check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
