"""Run the V2G Home demo: the simulator and a real Home Assistant configured against it, until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
from typing import IO

import aiohttp
from demo_ha import DemoSetupError, HomeAssistantClient, Login
from demo_site import (
    DASHBOARD_PATH,
    SimulatedHosts,
    ensure_site,
    publish_dashboard,
    start_motion,
    wait_for_devices,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / ".demo"
CONFIG_DIR = DEMO_DIR / "config"
DEPS_DIR = DEMO_DIR / "deps"
READY_FILE = DEMO_DIR / "ready.json"
HOST = "127.0.0.1"
# Onboarding starts these; offline and without their packages they only show errors, so the demo removes them.
ONBOARDING_EXTRAS = {"google_translate", "met", "radio_browser", "shopping_list"}

CONFIGURATION_YAML = """\
# Written by scripts/demo; rewritten on every run.
homeassistant:
  name: V2G Home demo
  latitude: 55.676
  longitude: 12.568
  elevation: 10
  unit_system: metric
  currency: DKK
  country: DK
  time_zone: Europe/Copenhagen
  # trusted_networks first: the login page offers the first provider, so this machine gets in without a password.
  auth_providers:
    - type: trusted_networks
      trusted_networks:
        - 127.0.0.1/32
        - ::1/128
      allow_bypass_login: true
    - type: homeassistant

http:
  server_host: {host}
  server_port: {ha_port}

# The pieces of default_config this demo needs (go2rtc and ffmpeg are not installed here).
api:
auth:
config:
energy:
frontend:
history:
logbook:
onboarding:
person:
recorder:
  purge_keep_days: 2
search:
system_health:

logger:
  default: warning
  logs:
    custom_components.v2g_home: info
"""


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="throw away .demo/config and start from scratch",
    )
    parser.add_argument("--ha-port", type=int, default=8123)
    parser.add_argument("--quasar-port", type=int, default=5020)
    parser.add_argument("--pack-port", type=int, default=5021)
    parser.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds per real second"
    )
    return parser.parse_args()


def prepare_config_dir(args: argparse.Namespace) -> None:
    """Make (or reuse) the demo's Home Assistant config dir; rebuild it when asked or when its ports changed."""
    stamp_file = CONFIG_DIR / ".demo-stamp.json"
    stamp = {
        "ha_port": args.ha_port,
        "quasar_port": args.quasar_port,
        "pack_port": args.pack_port,
    }
    if CONFIG_DIR.exists():
        old = json.loads(stamp_file.read_text()) if stamp_file.exists() else None
        if args.fresh or old != stamp:
            print(f"demo: rebuilding {CONFIG_DIR.relative_to(ROOT)}")
            shutil.rmtree(CONFIG_DIR)
        else:
            print(
                f"demo: reusing {CONFIG_DIR.relative_to(ROOT)} (scripts/demo --fresh starts over)"
            )
    (CONFIG_DIR / "custom_components").mkdir(parents=True, exist_ok=True)
    (CONFIG_DIR / "configuration.yaml").write_text(
        CONFIGURATION_YAML.format(host=HOST, ha_port=args.ha_port)
    )
    link = CONFIG_DIR / "custom_components" / "v2g_home"
    if not link.is_symlink():
        link.symlink_to(
            ROOT / "custom_components" / "v2g_home", target_is_directory=True
        )
    stamp_file.write_text(json.dumps(stamp))


def port_is_open(port: int) -> bool:
    """Tell whether something accepts connections on HOST:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


class Child:
    """A background process with its own log file, stopped politely."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        log_path: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        """Start argv in its own session so Ctrl-C reaches only this script."""
        self.name = name
        self.log_path = log_path
        self._log: IO[bytes] = log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - argv is built here from fixed parts
            argv,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )

    def check_alive(self) -> None:
        """Raise with the log's tail if the process has exited."""
        if self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace").splitlines()[-30:]
            raise DemoSetupError(
                f"{self.name} exited with {self.process.returncode}; last lines of {self.log_path}:\n"
                + "\n".join(tail)
            )

    def stop(self, sig: signal.Signals, timeout_s: float) -> None:
        """Send sig, wait, then kill if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                print(
                    f"demo: {self.name} did not stop within {timeout_s:.0f} s, killing it"
                )
                self.process.kill()
                self.process.wait()
        self._log.close()


async def wait_for_port(child: Child, port: int, timeout_s: float) -> None:
    """Wait until child listens on port."""
    for _ in range(int(timeout_s * 4)):
        child.check_alive()
        if port_is_open(port):
            return
        await asyncio.sleep(0.25)
    raise DemoSetupError(
        f"{child.name} did not open port {port} within {timeout_s:.0f} s"
    )


async def configure(args: argparse.Namespace, hass: Child, stop: asyncio.Event) -> None:
    """Onboard Home Assistant, configure V2G Home against the simulator and publish the dashboard."""
    base_url = f"http://{HOST}:{args.ha_port}"
    hosts = SimulatedHosts(
        host=HOST, quasar_port=args.quasar_port, pack_port=args.pack_port
    )
    async with aiohttp.ClientSession() as session:
        client = HomeAssistantClient(session, base_url)
        up = asyncio.create_task(client.wait_until_up(timeout_s=300))
        while not up.done():
            hass.check_alive()
            if stop.is_set():
                up.cancel()
                return
            await asyncio.sleep(0.5)
        up.result()
        login = Login()
        await client.onboard_or_login(login)
        entry_id = await ensure_site(client, hosts)
        devices = await wait_for_devices(client, entry_id, timeout_s=120)
        await client.remove_entries(ONBOARDING_EXTRAS)
        await publish_dashboard(client, devices)
        await start_motion(client, devices)
    READY_FILE.write_text(
        json.dumps(
            {"url": base_url, "dashboard": f"{base_url}/lovelace/{DASHBOARD_PATH}"}
        )
    )
    print(
        f"\nV2G Home demo is ready: {base_url}/lovelace/{DASHBOARD_PATH}\n"
        f"  login: {login.username} / {login.password} (from this machine no login is asked)\n"
        f"  simulator: Quasar 1 on {HOST}:{args.quasar_port}, SunSpec pack on {HOST}:{args.pack_port}, speed x{args.speed:g}\n"
        f"  logs: {(DEMO_DIR / 'hass.log').relative_to(ROOT)}, {(DEMO_DIR / 'simulator.log').relative_to(ROOT)}\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )


async def run(args: argparse.Namespace) -> None:
    """Start everything, keep it running until a signal, then stop it in reverse order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    busy = [
        port
        for port in (args.ha_port, args.quasar_port, args.pack_port)
        if port_is_open(port)
    ]
    if busy:
        raise DemoSetupError(
            f"port(s) {busy} on {HOST} are in use; is another demo or Home Assistant running?"
        )
    prepare_config_dir(args)
    python = str(ROOT / ".venv" / "bin" / "python")
    sim_argv = [
        python,
        "-m",
        "custom_components.v2g_home.devices.simulator",
        "--host",
        HOST,
    ]
    sim_argv += [
        "--quasar-port",
        str(args.quasar_port),
        "--pack-port",
        str(args.pack_port),
        "--speed",
        f"{args.speed:g}",
    ]
    simulator = Child("simulator", sim_argv, DEMO_DIR / "simulator.log")
    hass: Child | None = None
    try:
        await wait_for_port(simulator, args.quasar_port, timeout_s=30)
        await wait_for_port(simulator, args.pack_port, timeout_s=30)
        print(
            f"demo: simulator up (Quasar :{args.quasar_port}, pack :{args.pack_port}); starting Home Assistant"
        )
        env = {**os.environ, "PYTHONPATH": str(DEPS_DIR)}
        hass_argv = [
            str(ROOT / ".venv" / "bin" / "hass"),
            "-c",
            str(CONFIG_DIR),
            "--skip-pip",
            "--log-no-color",
        ]
        hass = Child("Home Assistant", hass_argv, DEMO_DIR / "hass.log", env=env)
        await configure(args, hass, stop)
        while not stop.is_set():
            hass.check_alive()
            simulator.check_alive()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2)
    finally:
        READY_FILE.unlink(missing_ok=True)
        print("demo: stopping Home Assistant and the simulator")
        if hass is not None:
            hass.stop(signal.SIGTERM, timeout_s=60)
        simulator.stop(signal.SIGINT, timeout_s=10)


def main() -> int:
    """Entry point for scripts/demo."""
    args = parse_args()
    DEMO_DIR.mkdir(exist_ok=True)
    try:
        asyncio.run(run(args))
    except DemoSetupError as err:
        print(f"demo: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
