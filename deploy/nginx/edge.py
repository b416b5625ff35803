"""nginx in front of a running stack, as an unprivileged foreground process: what the
tests and `bench/flood.py --edge nginx` put between their clients and Rasa."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy.nginx.render import EdgeSettings, write_standalone

SEARCHED = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")


def nginx_binary() -> str | None:
    """Debian's nginx (`apt-get install nginx-light`), on PATH or in sbin."""
    found = shutil.which("nginx")
    return found or next((path for path in SEARCHED if Path(path).exists()), None)


def wait_for_port(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nginx did not listen on {port} within {timeout} s")


@dataclass
class Edge:
    """nginx listening on 127.0.0.1:`port`, forwarding to the Rasa instances `rasa_ports`."""

    port: int
    rasa_ports: tuple[int, ...]
    prefix: Path
    settings_overrides: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> EdgeSettings:
        return EdgeSettings(listen=f"127.0.0.1:{self.port}",
                            rasa=tuple(f"127.0.0.1:{port}" for port in self.rasa_ports),
                            access_log=str(self.prefix.resolve() / "access.log"),
                            **self.settings_overrides)

    def start(self, timeout: float = 20) -> Edge:
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError("nginx is not installed (apt-get install nginx-light)")
        conf = write_standalone(self.settings(), self.prefix)
        check = subprocess.run([binary, "-t", "-q", "-p", str(conf.parent), "-c", str(conf)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the rendered config: {check.stderr}")
        self.process = subprocess.Popen(
            [binary, "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process, timeout)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Edge:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
