"""The demo's Home Assistant config dir: configuration.yaml, the linked integration, and when to rebuild it."""

from __future__ import annotations

import json
import os
from pathlib import Path
import shutil

ROOT = Path(__file__).resolve().parent.parent
# V2G_DEMO_DIR lets a second demo (the card test's) run beside the one in .demo without sharing its config.
DEMO_DIR = Path(os.environ.get("V2G_DEMO_DIR", ROOT / ".demo")).resolve()
CONFIG_DIR = DEMO_DIR / "config"
DEMO_PRICE_ENTITY = "sensor.demo_spot_price"

# A made-up but typical DK1 winter day in DKK/kWh (night low, morning and evening peaks), hour 0 to 23;
# tomorrow is the same day 10 % cheaper. Offline, so the demo needs no internet.
DEMO_DAY_PRICES = (
    0.55, 0.50, 0.48, 0.47, 0.48, 0.55, 0.75, 0.95, 0.90, 0.70, 0.55, 0.45,
    0.40, 0.42, 0.50, 0.65, 0.95, 1.35, 1.50, 1.25, 0.95, 0.80, 0.70, 0.62,
)  # fmt: skip
PEAK_HOUR = DEMO_DAY_PRICES.index(
    max(DEMO_DAY_PRICES)
)  # 18:00, the top of the evening peak


def demo_day(peak_at: int | None) -> list[float]:
    """The demo day by the hour; with peak_at, turned so that its evening peak tops at that hour (0-23)."""
    shift = 0 if peak_at is None else peak_at - PEAK_HOUR
    return [DEMO_DAY_PRICES[(hour - shift) % 24] for hour in range(24)]


_PRICE_ITEMS = """>-
            {{% set ns = namespace(items=[]) %}}
            {{% set midnight = today_at() + timedelta(days={day}) %}}
            {{% for price in {prices} %}}
            {{% set start = midnight + timedelta(hours=loop.index0) %}}
            {{% set end = start + timedelta(hours=1) %}}
            {{% set ns.items = ns.items + [dict(start=start.isoformat(), end=end.isoformat(), value=(price * {factor}) | round(3))] %}}
            {{% endfor %}}
            {{{{ ns.items }}}}"""

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
  # trusted_networks first: the login page offers the first provider, so this machine needs no password.
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

# Synthetic spot prices in the Nord Pool (HACS) attribute layout, so V2G Home can run without the internet.
template:
  - sensor:
      - name: Demo spot price
        unique_id: v2g_home_demo_spot_price
        unit_of_measurement: DKK/kWh
        state: "{{{{ {prices}[now().hour] }}}}"
        attributes:
          raw_today: {raw_today}
          raw_tomorrow: {raw_tomorrow}

logger:
  default: warning
  logs:
    custom_components.v2g_home: info
"""


def configuration_yaml(host: str, ha_port: int, peak_at: int | None = None) -> str:
    """The demo's configuration.yaml (its price day turned so the peak tops at peak_at, if given)."""
    prices = demo_day(peak_at)
    return CONFIGURATION_YAML.format(
        host=host,
        ha_port=ha_port,
        prices=prices,
        raw_today=_PRICE_ITEMS.format(day=0, prices=prices, factor=1.0),
        raw_tomorrow=_PRICE_ITEMS.format(day=1, prices=prices, factor=0.9),
    )


def prepare_config_dir(
    stamp: dict[str, object],
    *,
    host: str,
    ha_port: int,
    fresh: bool,
    peak_at: int | None = None,
) -> None:
    """Make or reuse .demo/config; rebuild it when asked or when the demo's settings changed."""
    stamp_file = CONFIG_DIR / ".demo-stamp.json"
    if CONFIG_DIR.exists():
        old = json.loads(stamp_file.read_text()) if stamp_file.exists() else None
        if fresh or old != stamp:
            print(f"demo: rebuilding {CONFIG_DIR.relative_to(ROOT)}")
            shutil.rmtree(CONFIG_DIR)
        else:
            print(
                f"demo: reusing {CONFIG_DIR.relative_to(ROOT)} (scripts/demo --fresh starts over)"
            )
    (CONFIG_DIR / "custom_components").mkdir(parents=True, exist_ok=True)
    (CONFIG_DIR / "configuration.yaml").write_text(
        configuration_yaml(host, ha_port, peak_at)
    )
    link = CONFIG_DIR / "custom_components" / "v2g_home"
    if not link.is_symlink():
        link.symlink_to(
            ROOT / "custom_components" / "v2g_home", target_is_directory=True
        )
    stamp_file.write_text(json.dumps(stamp))
