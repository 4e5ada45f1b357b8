"""One exception tree for everything the device layer raises."""

from __future__ import annotations


class DeviceError(Exception):
    """Base class of every device-layer error."""


class DeviceConnectionError(DeviceError):
    """The device cannot be reached or the connection dropped."""


class DeviceTimeoutError(DeviceConnectionError):
    """The device did not answer in time."""


class DeviceProtocolError(DeviceError):
    """The device answered with a Modbus exception or a reply that makes no sense."""


class UnsupportedDeviceError(DeviceError):
    """The device answered but is not one this driver supports (names what is missing)."""


class ProfileError(DeviceError):
    """A pack profile file is invalid; the message names the offending field."""


class WriteVerificationError(DeviceProtocolError):
    """A register write was accepted but reading it back gave another value."""
