"""Run the V2G Home demo: the simulator and a real Home Assistant configured against it, until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
from typing import IO, TYPE_CHECKING, Any

import aiohttp
from demo_config import CONFIG_DIR, DEMO_DIR, ROOT, prepare_config_dir
from demo_dashboard import DASHBOARD_PATH, DASHBOARD_URL, publish_dashboard
from demo_ha import DemoSetupError, HomeAssistantClient, Login
from demo_setup import prepare_demo
from demo_site import SimulatedHosts, ensure_site, wait_for_devices
from homeassistant import const as ha_const
from homeassistant.util import dt as dt_util

if TYPE_CHECKING:
    from collections.abc import Coroutine

READY_FILE = DEMO_DIR / "ready.json"
HOST = "127.0.0.1"
# Bump when the demo's answers or configuration change, so an old .demo/config is rebuilt rather than reused.
DEMO_CONFIG_VERSION = 3
# The simulated car arrives at about 60 %; the pack has a few kWh to sell at the peak.
CAR_SOC_PCT = 60
PACK_SOC_PCT = 80
DEMO_TIME_ZONE = "Europe/Copenhagen"
# Onboarding starts these; offline and without their packages they only show errors, so the demo removes them.
ONBOARDING_EXTRAS = {"google_translate", "met", "radio_browser", "shopping_list"}


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="throw away .demo/config and start from scratch",
    )
    parser.add_argument(
        "--deps",
        type=Path,
        default=DEMO_DIR / "deps-newest",
        help="where scripts/demo put Home Assistant's frontend",
    )
    parser.add_argument(
        "--charger",
        choices=("quasar", "evtec"),
        default="quasar",
        help="the simulated charger: a Wallbox Quasar 1 or an EVtec BiDiPro 10 (both with a Leaf)",
    )
    parser.add_argument("--ha-port", type=int, default=8123)
    parser.add_argument("--quasar-port", type=int, default=5020)
    parser.add_argument("--pack-port", type=int, default=5021)
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="simulated seconds per real second (1: the devices keep step with the plan; "
        "at most 30 with --charger evtec, whose fail-safe is at most 600 s)",
    )
    parser.add_argument(
        "--prices",
        choices=("demo", "demo-clock", "energidataservice"),
        default="demo",
        help="the demo day with its evening peak now (offline), the same day on the clock (peak at 18:00), "
        "or live Energi Data Service DK1 prices",
    )
    modes = ("auto", "off", "charge", "discharge", "hold")
    parser.add_argument(
        "--charger-mode",
        choices=modes,
        default="auto",
        help="the charger's control mode at start (off: the simulated owner charges the car)",
    )
    parser.add_argument(
        "--pack-mode",
        choices=modes,
        default="auto",
        help="the pack's control mode at start (off: the pack runs its own solar logic)",
    )
    return parser.parse_args()


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


async def configure(args: argparse.Namespace) -> None:
    """Onboard Home Assistant, configure V2G Home against the simulator and publish the dashboard."""
    base_url = f"http://{HOST}:{args.ha_port}"
    hosts = SimulatedHosts(
        host=HOST,
        quasar_port=args.quasar_port,
        pack_port=args.pack_port,
        charger=args.charger,
    )
    async with aiohttp.ClientSession() as session:
        client = HomeAssistantClient(session, base_url)
        await client.wait_until_up(timeout_s=300)
        login = Login()
        await client.onboard_or_login(login)
        entry_id = await ensure_site(client, hosts, args.prices)
        devices = await wait_for_devices(client, entry_id, timeout_s=120)
        await client.remove_entries(ONBOARDING_EXTRAS)
        await publish_dashboard(client, devices)
        modes = {"charger": args.charger_mode, "pack": args.pack_mode}
        await prepare_demo(client, devices, modes)
    READY_FILE.write_text(
        json.dumps(
            {
                "url": base_url,
                "dashboard": f"{base_url}/{DASHBOARD_URL}/{DASHBOARD_PATH}",
            }
        )
    )
    print(
        f"\nV2G Home demo is ready: {base_url}/{DASHBOARD_URL}/{DASHBOARD_PATH}\n"
        f"  login: {login.username} / {login.password} (from this machine no login is asked)\n"
        f"  simulator: {'BiDiPro 10' if args.charger == 'evtec' else 'Quasar 1'} on {HOST}:{args.quasar_port}, SunSpec pack on {HOST}:{args.pack_port}, speed x{args.speed:g}\n"
        f"  logs: {(DEMO_DIR / 'hass.log').relative_to(ROOT)}, {(DEMO_DIR / 'simulator.log').relative_to(ROOT)}\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )


async def setup_unless_stopped(
    setup: Coroutine[Any, Any, None], hass: Child, stop: asyncio.Event
) -> bool:
    """Run the set-up while Home Assistant lives; give up early on Ctrl-C. Tell whether it finished."""
    task = asyncio.create_task(setup)
    try:
        while not task.done():
            hass.check_alive()
            if stop.is_set():
                return False
            await asyncio.wait({task}, timeout=0.5)
        task.result()
    finally:
        task.cancel()
    return True


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
    stamp: dict[str, object] = {"version": DEMO_CONFIG_VERSION} | {
        name: getattr(args, name)
        for name in ("ha_port", "quasar_port", "pack_port", "prices", "charger")
    }
    # A config written by a newer Home Assistant is not read by an older one: rebuild it when HA changes.
    stamp["ha"] = ha_const.__version__
    # "demo": the day turned so that its evening peak tops in the current hour, and the plan sells at once.
    local_hour = dt_util.now(dt_util.get_time_zone(DEMO_TIME_ZONE)).hour
    peak_at = local_hour if args.prices == "demo" else None
    prepare_config_dir(
        stamp, host=HOST, ha_port=args.ha_port, fresh=args.fresh, peak_at=peak_at
    )
    # The Python (and hass) of the end scripts/demo chose: a host venv, or the Python 3.14 root's.
    python = sys.executable
    # --autostart: the owner's app charges the car at 10 A until Home Assistant takes control, so values move.
    sim_argv = [
        python,
        "-m",
        "custom_components.v2g_home.devices.simulator",
        "--autostart",
        "--charger",
        args.charger,
    ]
    sim_argv += ["--host", HOST, "--speed", f"{args.speed:g}"]
    sim_argv += ["--soc", str(CAR_SOC_PCT), "--pack-soc", str(PACK_SOC_PCT)]
    sim_argv += [
        "--quasar-port",
        str(args.quasar_port),
        "--pack-port",
        str(args.pack_port),
    ]
    simulator = Child("simulator", sim_argv, DEMO_DIR / "simulator.log")
    hass: Child | None = None
    try:
        await wait_for_port(simulator, args.quasar_port, timeout_s=30)
        await wait_for_port(simulator, args.pack_port, timeout_s=30)
        print(
            f"demo: simulator up (Quasar :{args.quasar_port}, pack :{args.pack_port}); starting Home Assistant"
        )
        env = {**os.environ, "PYTHONPATH": str(args.deps.resolve())}
        hass_argv = [
            str(Path(sys.executable).with_name("hass")),
            "-c",
            str(CONFIG_DIR),
            "--skip-pip",
            "--log-no-color",
        ]
        hass = Child("Home Assistant", hass_argv, DEMO_DIR / "hass.log", env=env)
        if not await setup_unless_stopped(configure(args), hass, stop):
            return
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
    except (DemoSetupError, aiohttp.ClientError) as err:
        print(f"demo: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
