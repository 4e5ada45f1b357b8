"""Build a charger driver from the settings the glue stores for it (one place for every kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .bidipro import BiDiProCharger
from .charger import ChargerKind
from .charger_profile import ProfileCharger
from .errors import ProfileError
from .quasar import QuasarCharger, SetpointMode
from .sunspec_der import SunSpecDer
from .transport import ModbusTransport

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .charger import Charger
    from .charger_profile_schema import ChargerProfile

# Keys of a charger's stored settings. An entry without KIND is a Quasar 1 (entries made before
# there were other kinds), so existing entries need no migration.
KIND = "charger_kind"
HOST = "host"
PORT = "port"
UNIT_ID = "unit_id"
FAILSAFE_TIMEOUT_S = "failsafe_timeout_s"
SETPOINT_MODE = "setpoint_mode"
CONNECTOR = "connector"
PROFILE = "charger_profile"


@dataclass(frozen=True, kw_only=True)
class FailsafeRange:
    """Seconds the charger's own fail-safe may be set to, and the default to offer."""

    minimum: int
    maximum: int
    default: int


# Quasar: register 88. BiDiPro: ChargePoint 42, at most 600 s. DER: 704 WSetRvrtTms.
FAILSAFE_RANGES = {
    ChargerKind.QUASAR: FailsafeRange(minimum=60, maximum=3600, default=600),
    ChargerKind.BIDIPRO: FailsafeRange(minimum=30, maximum=600, default=120),
    ChargerKind.SUNSPEC_DER: FailsafeRange(minimum=30, maximum=3600, default=120),
}


@dataclass(frozen=True, kw_only=True)
class ChargerSettings:
    """Everything needed to rebuild a charger driver; `failsafe_timeout_s` None = the kind's default."""

    kind: ChargerKind
    host: str
    port: int
    unit_id: int
    failsafe_timeout_s: int | None = None
    setpoint_mode: SetpointMode = SetpointMode.CURRENT
    connector: int | None = None
    profile: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ChargerSettings:
        """Read stored settings (a charger without a kind is a Quasar 1)."""
        connector = data.get(CONNECTOR)
        failsafe = data.get(FAILSAFE_TIMEOUT_S)
        return cls(
            kind=ChargerKind(data.get(KIND, ChargerKind.QUASAR)),
            host=str(data[HOST]),
            port=int(data[PORT]),
            unit_id=int(data[UNIT_ID]),
            failsafe_timeout_s=None if failsafe is None else int(failsafe),
            setpoint_mode=SetpointMode(data.get(SETPOINT_MODE, SetpointMode.CURRENT)),
            connector=None if connector is None else int(connector),
            profile=data.get(PROFILE),
        )

    def as_mapping(self) -> dict[str, Any]:
        """The settings to store (only what applies to the kind)."""
        data: dict[str, Any] = {
            KIND: self.kind.value,
            HOST: self.host,
            PORT: self.port,
            UNIT_ID: self.unit_id,
        }
        if self.failsafe_timeout_s is not None:
            data[FAILSAFE_TIMEOUT_S] = self.failsafe_timeout_s
        if self.kind is ChargerKind.QUASAR:
            data[SETPOINT_MODE] = self.setpoint_mode.value
        if self.kind is ChargerKind.BIDIPRO and self.connector is not None:
            data[CONNECTOR] = self.connector
        if self.kind is ChargerKind.PROFILE:
            data[PROFILE] = self.profile
        return data

    @property
    def failsafe_s(self) -> int:
        """The fail-safe seconds to arm: the stored value, checked against the kind's range."""
        limits = FAILSAFE_RANGES[self.kind]
        seconds = self.failsafe_timeout_s or limits.default
        if not limits.minimum <= seconds <= limits.maximum:
            raise ValueError(
                f"a {self.kind} fail-safe of {seconds} s is outside "
                f"{limits.minimum}..{limits.maximum} s"
            )
        return seconds


def create_charger(
    settings: ChargerSettings, profiles: Mapping[str, ChargerProfile] | None = None
) -> Charger:
    """A driver for the settings (profiles: loaded off the event loop); nothing is sent yet."""
    transport = ModbusTransport(settings.host, settings.port, settings.unit_id)
    if settings.kind is ChargerKind.PROFILE:
        profile = (profiles or {}).get(settings.profile or "")
        if profile is None:
            raise ProfileError(f"charger profile {settings.profile!r} is not installed")
        # The profile's own fail-safe seconds unless the owner chose others.
        return ProfileCharger(
            transport, profile, failsafe_timeout_s=settings.failsafe_timeout_s
        )
    if settings.kind is ChargerKind.QUASAR:
        return QuasarCharger(
            transport,
            setpoint_mode=settings.setpoint_mode,
            failsafe_timeout_s=settings.failsafe_s,
        )
    if settings.kind is ChargerKind.BIDIPRO:
        return BiDiProCharger(
            transport,
            connector=settings.connector,
            failsafe_timeout_s=settings.failsafe_s,
        )
    return SunSpecDer(transport, revert_timeout_s=settings.failsafe_s)
