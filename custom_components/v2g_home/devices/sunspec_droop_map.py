"""SunSpec DER model 711 (frequency droop, IEEE 1547-2018) as point offsets.

Generated once from the official SunSpec information model (SunSpec Alliance models repository,
github.com/sunspec/models, json/model_711.json; Apache-2.0). The fixed points count from the
model's ID register; the `Ctl` group (one stored control set, repeated `NCtl` times) follows them,
its points counted from the start of each set. tests/devices/test_sunspec_droop_map.py re-derives
every entry from the JSON file.
"""

from __future__ import annotations

from .registers import RegisterType
from .sunspec_map import Point

U16 = RegisterType.UINT16
I16 = RegisterType.INT16
U32 = RegisterType.UINT32
E16 = RegisterType.ENUM16
SF = RegisterType.SUNSSF

MODEL_711: dict[str, Point] = {
    "Ena": Point(offset=2, type=E16),
    "AdptCtlReq": Point(offset=3, type=U16),
    "AdptCtlRslt": Point(offset=4, type=E16),
    "NCtl": Point(offset=5, type=U16),
    "RvrtTms": Point(offset=6, type=U32, unit="Secs"),
    "RvrtRem": Point(offset=8, type=U32, unit="Secs"),
    "RvrtCtl": Point(offset=10, type=U16),
    "Db_SF": Point(offset=11, type=SF),
    "K_SF": Point(offset=12, type=SF),
    "RspTms_SF": Point(offset=13, type=SF),
}
CTL_START = 14  # the first stored control set
CTL_SIZE = 10
CTL: dict[str, Point] = {
    "DbOf": Point(offset=0, type=U32, sf="Db_SF", unit="Hz"),
    "DbUf": Point(offset=2, type=U32, sf="Db_SF", unit="Hz"),
    "KOf": Point(offset=4, type=U16, sf="K_SF"),
    "KUf": Point(offset=5, type=U16, sf="K_SF"),
    "RspTms": Point(offset=6, type=U32, sf="RspTms_SF", unit="Secs"),
    "PMin": Point(offset=8, type=I16, unit="Pct"),
    "ReadOnly": Point(offset=9, type=E16),
}
ADOPT_COMPLETED, ADOPT_FAILED = 1, 2
READ_WRITE = 0
