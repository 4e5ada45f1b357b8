"""Run the plan card's Chromium tests against a fresh demo of one Home Assistant end, on free ports; stop it after."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    # Not Home Assistant's test harness: these tests drive a browser against a real, running Home Assistant.
    "--noconftest",
    "-p",
    "no:homeassistant",
    "-p",
    "tests.browser.plugin",
    "-o",
    "addopts=-p no:cacheprovider",
    "-q",
    "-s",  # the tests print what they measure
    "tests/browser",
]


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now (the demo takes them a moment later)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_ready(
    demo: subprocess.Popen[bytes], ready: Path, timeout_s: float
) -> dict[str, str]:
    """The demo's URLs once it says it is ready."""
    deadline = time.monotonic() + timeout_s
    while not ready.exists():
        if demo.poll() is not None:
            raise SystemExit(f"card test: scripts/demo exited with {demo.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit(
                f"card test: the demo was not ready within {timeout_s:.0f} s"
            )
        time.sleep(1)
    return dict(json.loads(ready.read_text()))


def stop(demo: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for the demo (it stops Home Assistant and the simulator), then kill what lingers."""
    if demo.poll() is None:
        os.killpg(demo.pid, signal.SIGINT)
        try:
            demo.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()


def run(end: str) -> int:
    """Start the demo, run the tests, stop the demo; the tests' exit code."""
    demo_dir = ROOT / ".demo" / f"card-test-{end}"
    shutil.rmtree(demo_dir, ignore_errors=True)
    demo_dir.mkdir(parents=True)
    ha_port, quasar_port, pack_port = free_ports(3)
    env = {**os.environ, "V2G_DEMO_DIR": str(demo_dir)}
    argv = [str(ROOT / "scripts" / "demo"), "--ha", end, "--fresh"]
    argv += ["--ha-port", str(ha_port), "--quasar-port", str(quasar_port)]
    argv += ["--pack-port", str(pack_port)]
    started = time.monotonic()
    with (demo_dir / "demo-output.log").open("wb") as log:
        demo = subprocess.Popen(  # noqa: S603 - our own script
            argv,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            urls = wait_ready(demo, demo_dir / "ready.json", timeout_s=900)
            ready_at = time.time()
            print(
                f"card test ({end}): demo ready on :{ha_port} after {time.monotonic() - started:.0f} s",
                flush=True,
            )
            tests = subprocess.run(  # noqa: S603 - fixed argv
                PYTEST,
                cwd=ROOT,
                check=False,
                env={
                    **os.environ,
                    "V2G_DEMO_URL": urls["url"],
                    "V2G_DEMO_DASHBOARD": urls["dashboard"],
                    "V2G_DEMO_READY_AT": str(ready_at),
                },
            )
        finally:
            stop(demo)
    print(
        f"card test ({end}): {time.monotonic() - started:.0f} s in all; logs in {demo_dir.relative_to(ROOT)}"
    )
    return tests.returncode


def main() -> int:
    """Each end asked for, one after the other; fails when any fails."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "ends", nargs="*", metavar="newest|floor", help="default: both, newest first"
    )
    ends = parser.parse_args().ends or ["newest", "floor"]
    if unknown := set(ends) - {"newest", "floor"}:
        parser.error(f"unknown end(s) {sorted(unknown)}")
    failed = [end for end in ends if run(end) != 0]
    if failed:
        print(f"card test: failed at {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
