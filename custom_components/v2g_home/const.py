"""Constants shared by the Home Assistant glue."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "v2g_home"
LOGGER = logging.getLogger(__package__)
