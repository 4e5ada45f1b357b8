"""Wallbox Quasar 1 holding registers, FC03 read / FC06 write, unit id 1."""

from __future__ import annotations

from .registers import Register, RegisterType

# Addresses and meanings are facts compiled from public projects (not an official Wallbox document):
# SeitaBV/v2g-liberty, V2G-liberty/addon-v2g-liberty and robynrox/evse-controller.

U16 = RegisterType.UINT16
I16 = RegisterType.INT16

# 32 A x 230 V both ways; the charger refuses less than 6 A (1.38 kW) in either direction.
MIN_POWER_KW = 1.38
MAX_POWER_KW = 7.4

IDENTITY = {
    "firmware": Register(address=1, type=U16),
    "serial_high": Register(address=2, type=U16),
    "serial_low": Register(address=3, type=U16),
}

# Settings the driver writes and reads back.
CONTROL_MODE = Register(address=81, type=U16, plausible=(0, 1))
AUTO_START = Register(address=82, type=U16, plausible=(0, 1))
SETPOINT_TYPE = Register(address=83, type=U16, plausible=(0, 1))
FAILSAFE_TIMEOUT = Register(address=88, type=U16, unit="s")
ACTION = Register(address=257, type=U16)
CURRENT_SETPOINT = Register(address=258, type=I16, unit="A", plausible=(-32, 32))
POWER_SETPOINT = Register(address=260, type=I16, unit="W", plausible=(-7400, 7400))

# One full poll: three contiguous blocks (81-88, 256-260, 514-548).
POLL = {
    "control_mode": CONTROL_MODE,
    "auto_start": AUTO_START,
    "setpoint_type": SETPOINT_TYPE,
    "failsafe_timeout": FAILSAFE_TIMEOUT,
    "locked": Register(address=256, type=U16),
    "current_setpoint": CURRENT_SETPOINT,
    "power_setpoint": POWER_SETPOINT,
    "max_power": Register(
        address=514, type=I16, scale=0.001, unit="kW", plausible=(0, 7.4)
    ),
    "ac_current": Register(address=519, type=I16, unit="A", plausible=(-40, 40)),
    "ac_voltage": Register(address=522, type=U16, unit="V", plausible=(0, 300)),
    "power": Register(
        address=526, type=I16, scale=0.001, unit="kW", plausible=(-8.5, 8.5)
    ),
    "state": Register(address=537, type=U16),
    "car_soc": Register(address=538, type=U16, unit="%", plausible=(0, 100)),
    "unrecoverable_error_high": Register(address=539, type=U16),
    "unrecoverable_error_low": Register(address=540, type=U16),
    "recoverable_error_high": Register(address=541, type=U16),
    "recoverable_error_low": Register(address=542, type=U16),
    "dc_voltage": Register(
        address=547, type=U16, scale=0.1, unit="V", plausible=(0, 600)
    ),
    "dc_current": Register(
        address=548, type=I16, scale=0.1, unit="A", plausible=(-200, 200)
    ),
}

# The gaps inside each block are small; reading across them keeps a poll at three requests.
POLL_MAX_GAP = 16

ACTION_START = 1
ACTION_STOP = 2
ACTION_RESTART = 3
