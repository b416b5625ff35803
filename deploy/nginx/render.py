"""Render deploy/nginx's templates: fill their ${NAME} placeholders (capitals only, so
nginx's own $variables stay as they are), and write a directory an unprivileged nginx
runs from.

    python -m deploy.nginx.render --listen 80 --rasa 127.0.0.1:5005 > supportbot.conf
    python -m deploy.nginx.render --console 127.0.0.1:8080 --console-listen 8000 \\
        --site console > supportbot_console.conf
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
SITE = HERE / "supportbot.conf"
CONSOLE_SITE = HERE / "supportbot_console.conf"
STANDALONE = HERE / "standalone.conf"
PAGES = HERE / "pages"


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
    """What differs between deployments; the rest of the edge is fixed in the templates."""

    listen: str  # "80", "127.0.0.1:8000"
    rasa: tuple[str, ...]  # host:port of each Rasa instance
    access_log: str = "/var/log/nginx/supportbot.access.log"
    requests_per_second: int = 10
    requests_burst: int = 40
    connections_per_address: int = 20
    max_chars: int = 2000  # SUPPORTBOT_MAX_MESSAGE_CHARS, quoted in the 413 text
    pages: str = str(PAGES)  # the 503 page; /usr/share/supportbot/nginx when installed
    console: str | None = None  # host:port of the agent console, when nginx fronts it
    console_listen: str = "8000"

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
            "PAGES": self.pages,
            "CONSOLE": self.console or "",
            "CONSOLE_LISTEN": self.console_listen,
        }


def render_site(settings: EdgeSettings) -> str:
    """supportbot.conf for /etc/nginx/conf.d/ (http{} level)."""
    return NginxTemplate(SITE.read_text(encoding="utf-8")).substitute(settings.values())


def render_console(settings: EdgeSettings) -> str:
    """supportbot_console.conf, the console's server block; included after
    supportbot.conf, whose log format and maps it uses."""
    if not settings.console:
        raise ValueError("the console's address (host:port) is needed")
    return NginxTemplate(CONSOLE_SITE.read_text(encoding="utf-8")).substitute(
        settings.values())


def write_standalone(settings: EdgeSettings, prefix: Path) -> Path:
    """nginx.conf + sites/ in `prefix` (pid, logs, temp files there too) for
    `nginx -p prefix -c nginx.conf -g 'daemon off;'` as any user. The path of nginx.conf."""
    prefix = prefix.resolve()
    sites = prefix / "sites"
    sites.mkdir(parents=True, exist_ok=True)
    (sites / "supportbot.conf").write_text(render_site(settings), encoding="utf-8")
    console = sites / "supportbot_console.conf"
    if settings.console:
        console.write_text(render_console(settings), encoding="utf-8")
    else:
        console.unlink(missing_ok=True)
    main = prefix / "nginx.conf"
    main.write_text(NginxTemplate(STANDALONE.read_text(encoding="utf-8"))
                    .substitute(PREFIX=str(prefix)), encoding="utf-8")
    return main


def main() -> None:
    parser = argparse.ArgumentParser(description="Print a supportbot site for nginx's conf.d/.")
    parser.add_argument("--site", choices=("chat", "console"), default="chat")
    parser.add_argument("--listen", default="80", help="nginx's listen: port or address:port")
    parser.add_argument("--rasa", action="append", default=[],
                        help="a Rasa instance, host:port (repeat for several)")
    parser.add_argument("--console", help="the agent console, host:port")
    parser.add_argument("--console-listen", default=EdgeSettings.console_listen)
    parser.add_argument("--access-log", default=EdgeSettings.access_log)
    parser.add_argument("--pages", default=EdgeSettings.pages,
                        help="directory of unavailable.html")
    args = parser.parse_args()
    settings = EdgeSettings(listen=args.listen, rasa=tuple(args.rasa or ["127.0.0.1:5005"]),
                            access_log=args.access_log, pages=args.pages,
                            console=args.console, console_listen=args.console_listen)
    print(render_console(settings) if args.site == "console" else render_site(settings),
          end="")


if __name__ == "__main__":
    main()
