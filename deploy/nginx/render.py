"""Render deploy/nginx/supportbot.conf: fill its ${NAME} placeholders (capitals only, so
nginx's own $variables stay as they are), and write a directory an unprivileged nginx
runs from.

    python -m deploy.nginx.render --listen 80 --rasa 127.0.0.1:5005 > supportbot.conf
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
SITE = HERE / "supportbot.conf"
STANDALONE = HERE / "standalone.conf"


class NginxTemplate(Template):
    """Only ${CAPITALS} are placeholders; `$remote_addr`, `$host` and the like are nginx's."""

    pattern = r"""
        \$(?:
          (?P<escaped>(?!))
        | \{(?P<braced>[A-Z][A-Z0-9_]*)\}
        | (?P<named>(?!))
        | (?P<invalid>(?!))
        )"""
    flags = re.VERBOSE  # not IGNORECASE: lower-case names are nginx's


@dataclass(frozen=True)
class EdgeSettings:
    """What differs between deployments; the rest of the edge is fixed in the template."""

    listen: str  # "80", "127.0.0.1:8000"
    rasa: tuple[str, ...]  # host:port of each Rasa instance
    access_log: str = "/var/log/nginx/supportbot.access.log"
    requests_per_second: int = 10
    requests_burst: int = 40
    connections_per_address: int = 20
    max_chars: int = 2000  # SUPPORTBOT_MAX_MESSAGE_CHARS, quoted in the 413 text

    def values(self) -> dict[str, str]:
        if not self.rasa:
            raise ValueError("at least one Rasa instance (host:port) is needed")
        return {
            "LISTEN": self.listen,
            "RASA_SERVERS": "\n".join(f"    server {address};" for address in self.rasa),
            "ACCESS_LOG": self.access_log,
            "REQUESTS_PER_SECOND": str(self.requests_per_second),
            "REQUESTS_BURST": str(self.requests_burst),
            "CONNECTIONS_PER_ADDRESS": str(self.connections_per_address),
            "MAX_CHARS": str(self.max_chars),
        }


def render_site(settings: EdgeSettings) -> str:
    """supportbot.conf for /etc/nginx/conf.d/ (http{} level)."""
    return NginxTemplate(SITE.read_text(encoding="utf-8")).substitute(settings.values())


def write_standalone(settings: EdgeSettings, prefix: Path) -> Path:
    """nginx.conf + supportbot.conf in `prefix` (pid, logs, temp files there too) for
    `nginx -p prefix -c nginx.conf -g 'daemon off;'` as any user. The path of nginx.conf."""
    prefix = prefix.resolve()
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "supportbot.conf").write_text(render_site(settings), encoding="utf-8")
    main = prefix / "nginx.conf"
    main.write_text(NginxTemplate(STANDALONE.read_text(encoding="utf-8"))
                    .substitute(PREFIX=str(prefix)), encoding="utf-8")
    return main


def main() -> None:
    parser = argparse.ArgumentParser(description="Print supportbot.conf for nginx's conf.d/.")
    parser.add_argument("--listen", default="80", help="nginx's listen: port or address:port")
    parser.add_argument("--rasa", action="append", default=[],
                        help="a Rasa instance, host:port (repeat for several)")
    parser.add_argument("--access-log", default=EdgeSettings.access_log)
    args = parser.parse_args()
    print(render_site(EdgeSettings(listen=args.listen,
                                   rasa=tuple(args.rasa or ["127.0.0.1:5005"]),
                                   access_log=args.access_log)), end="")


if __name__ == "__main__":
    main()
