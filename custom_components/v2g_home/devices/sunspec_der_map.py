"""SunSpec DER models 701, 702, 704 and 713 (IEEE 1547-2018) as point offsets.

Generated once from the official SunSpec information models (SunSpec Alliance models repository,
github.com/sunspec/models, json/model_701.json, model_702.json, model_704.json and model_713.json;
Apache-2.0), so the package needs no JSON at runtime. Top-level points only: the repeating
power-factor groups at the end of model 704 are not used. Offsets count from the model's ID
register; tests/devices/test_sunspec_der_map.py re-derives every entry from the JSON files.
"""

from __future__ import annotations

from .registers import RegisterType
from .sunspec_map import Point

U16 = RegisterType.UINT16
I16 = RegisterType.INT16
U32 = RegisterType.UINT32
I32 = RegisterType.INT32
U64 = RegisterType.UINT64
E16 = RegisterType.ENUM16
B16 = RegisterType.BITFIELD16
B32 = RegisterType.BITFIELD32
SF = RegisterType.SUNSSF
STR = RegisterType.STRING

MODEL_LENGTHS = {701: 153, 702: 50, 704: 65, 713: 7}


def _p(
    offset: int,
    type_: RegisterType,
    *,
    count: int = 1,
    sf: str | None = None,
    unit: str | None = None,
) -> Point:
    return Point(offset=offset, type=type_, count=count, sf=sf, unit=unit)


# Model 701 (DER AC Measurement): length 153.
MODEL_701: dict[str, Point] = {
    "ACType": _p(2, E16),
    "St": _p(3, E16),
    "InvSt": _p(4, E16),
    "ConnSt": _p(5, E16),
    "Alrm": _p(6, B32),
    "DERMode": _p(8, B32),
    "W": _p(10, I16, sf="W_SF", unit="W"),
    "VA": _p(11, I16, sf="VA_SF", unit="VA"),
    "Var": _p(12, I16, sf="Var_SF", unit="Var"),
    "PF": _p(13, I16, sf="PF_SF"),
    "A": _p(14, I16, sf="A_SF", unit="A"),
    "LLV": _p(15, U16, sf="V_SF", unit="V"),
    "LNV": _p(16, U16, sf="V_SF", unit="V"),
    "Hz": _p(17, U32, sf="Hz_SF", unit="Hz"),
    "TotWhInj": _p(19, U64, sf="TotWh_SF", unit="Wh"),
    "TotWhAbs": _p(23, U64, sf="TotWh_SF", unit="Wh"),
    "TotVarhInj": _p(27, U64, sf="TotVarh_SF", unit="Varh"),
    "TotVarhAbs": _p(31, U64, sf="TotVarh_SF", unit="Varh"),
    "TmpAmb": _p(35, I16, sf="Tmp_SF", unit="C"),
    "TmpCab": _p(36, I16, sf="Tmp_SF", unit="C"),
    "TmpSnk": _p(37, I16, sf="Tmp_SF", unit="C"),
    "TmpTrns": _p(38, I16, sf="Tmp_SF", unit="C"),
    "TmpSw": _p(39, I16, sf="Tmp_SF", unit="C"),
    "TmpOt": _p(40, I16, sf="Tmp_SF", unit="C"),
    "WL1": _p(41, I16, sf="W_SF", unit="W"),
    "VAL1": _p(42, I16, sf="VA_SF", unit="VA"),
    "VarL1": _p(43, I16, sf="Var_SF", unit="Var"),
    "PFL1": _p(44, I16, sf="PF_SF"),
    "AL1": _p(45, I16, sf="A_SF", unit="A"),
    "VL1L2": _p(46, U16, sf="V_SF", unit="V"),
    "VL1": _p(47, U16, sf="V_SF", unit="V"),
    "TotWhInjL1": _p(48, U64, sf="TotWh_SF", unit="Wh"),
    "TotWhAbsL1": _p(52, U64, sf="TotWh_SF", unit="Wh"),
    "TotVarhInjL1": _p(56, U64, sf="TotVarh_SF", unit="Varh"),
    "TotVarhAbsL1": _p(60, U64, sf="TotVarh_SF", unit="Varh"),
    "WL2": _p(64, I16, sf="W_SF", unit="W"),
    "VAL2": _p(65, I16, sf="VA_SF", unit="VA"),
    "VarL2": _p(66, I16, sf="Var_SF", unit="Var"),
    "PFL2": _p(67, I16, sf="PF_SF"),
    "AL2": _p(68, I16, sf="A_SF", unit="A"),
    "VL2L3": _p(69, U16, sf="V_SF", unit="V"),
    "VL2": _p(70, U16, sf="V_SF", unit="V"),
    "TotWhInjL2": _p(71, U64, sf="TotWh_SF", unit="Wh"),
    "TotWhAbsL2": _p(75, U64, sf="TotWh_SF", unit="Wh"),
    "TotVarhInjL2": _p(79, U64, sf="TotVarh_SF", unit="Varh"),
    "TotVarhAbsL2": _p(83, U64, sf="TotVarh_SF", unit="Varh"),
    "WL3": _p(87, I16, sf="W_SF", unit="W"),
    "VAL3": _p(88, I16, sf="VA_SF", unit="VA"),
    "VarL3": _p(89, I16, sf="Var_SF", unit="Var"),
    "PFL3": _p(90, I16, sf="PF_SF"),
    "AL3": _p(91, I16, sf="A_SF", unit="A"),
    "VL3L1": _p(92, U16, sf="V_SF", unit="V"),
    "VL3": _p(93, U16, sf="V_SF", unit="V"),
    "TotWhInjL3": _p(94, U64, sf="TotWh_SF", unit="Wh"),
    "TotWhAbsL3": _p(98, U64, sf="TotWh_SF", unit="Wh"),
    "TotVarhInjL3": _p(102, U64, sf="TotVarh_SF", unit="Varh"),
    "TotVarhAbsL3": _p(106, U64, sf="TotVarh_SF", unit="Varh"),
    "ThrotPct": _p(110, U16, unit="Pct"),
    "ThrotSrc": _p(111, B32),
    "A_SF": _p(113, SF),
    "V_SF": _p(114, SF),
    "Hz_SF": _p(115, SF),
    "W_SF": _p(116, SF),
    "PF_SF": _p(117, SF),
    "VA_SF": _p(118, SF),
    "Var_SF": _p(119, SF),
    "TotWh_SF": _p(120, SF),
    "TotVarh_SF": _p(121, SF),
    "Tmp_SF": _p(122, SF),
    "MnAlrmInfo": _p(123, STR, count=32),
}

# Model 702 (DER Capacity): length 50.
MODEL_702: dict[str, Point] = {
    "WMaxRtg": _p(2, U16, sf="W_SF", unit="W"),
    "WOvrExtRtg": _p(3, U16, sf="W_SF", unit="W"),
    "WOvrExtRtgPF": _p(4, U16, sf="PF_SF"),
    "WUndExtRtg": _p(5, U16, sf="W_SF", unit="W"),
    "WUndExtRtgPF": _p(6, U16, sf="PF_SF"),
    "VAMaxRtg": _p(7, U16, sf="VA_SF", unit="VA"),
    "VarMaxInjRtg": _p(8, U16, sf="Var_SF", unit="Var"),
    "VarMaxAbsRtg": _p(9, U16, sf="Var_SF", unit="Var"),
    "WChaRteMaxRtg": _p(10, U16, sf="W_SF", unit="W"),
    "WDisChaRteMaxRtg": _p(11, U16, sf="W_SF", unit="W"),
    "VAChaRteMaxRtg": _p(12, U16, sf="VA_SF", unit="VA"),
    "VADisChaRteMaxRtg": _p(13, U16, sf="VA_SF", unit="VA"),
    "VNomRtg": _p(14, U16, sf="V_SF", unit="V"),
    "VMaxRtg": _p(15, U16, sf="V_SF", unit="V"),
    "VMinRtg": _p(16, U16, sf="V_SF", unit="V"),
    "AMaxRtg": _p(17, U16, sf="A_SF", unit="A"),
    "PFOvrExtRtg": _p(18, U16, sf="PF_SF"),
    "PFUndExtRtg": _p(19, U16, sf="PF_SF"),
    "ReactSusceptRtg": _p(20, U16, sf="S_SF", unit="S"),
    "NorOpCatRtg": _p(21, E16),
    "AbnOpCatRtg": _p(22, E16),
    "CtrlModes": _p(23, B32),
    "IntIslandCatRtg": _p(25, B16),
    "WMax": _p(26, U16, sf="W_SF", unit="W"),
    "WMaxOvrExt": _p(27, U16, sf="W_SF", unit="W"),
    "WOvrExtPF": _p(28, U16, sf="PF_SF"),
    "WMaxUndExt": _p(29, U16, sf="W_SF", unit="W"),
    "WUndExtPF": _p(30, U16, sf="PF_SF"),
    "VAMax": _p(31, U16, sf="VA_SF", unit="VA"),
    "VarMaxInj": _p(32, U16, sf="Var_SF", unit="Var"),
    "VarMaxAbs": _p(33, U16, sf="Var_SF", unit="Var"),
    "WChaRteMax": _p(34, U16, sf="W_SF", unit="W"),
    "WDisChaRteMax": _p(35, U16, sf="W_SF", unit="W"),
    "VAChaRteMax": _p(36, U16, sf="VA_SF", unit="VA"),
    "VADisChaRteMax": _p(37, U16, sf="VA_SF", unit="VA"),
    "VNom": _p(38, U16, sf="V_SF", unit="V"),
    "VMax": _p(39, U16, sf="V_SF", unit="V"),
    "VMin": _p(40, U16, sf="V_SF", unit="V"),
    "AMax": _p(41, U16, sf="A_SF", unit="A"),
    "PFOvrExt": _p(42, U16, sf="PF_SF"),
    "PFUndExt": _p(43, U16, sf="PF_SF"),
    "IntIslandCat": _p(44, B16),
    "W_SF": _p(45, SF),
    "PF_SF": _p(46, SF),
    "VA_SF": _p(47, SF),
    "Var_SF": _p(48, SF),
    "V_SF": _p(49, SF),
    "A_SF": _p(50, SF),
    "S_SF": _p(51, SF),
}

# Model 704 (DER AC Controls): length 65.
MODEL_704: dict[str, Point] = {
    "PFWInjEna": _p(2, E16),
    "PFWInjEnaRvrt": _p(3, E16),
    "PFWInjRvrtTms": _p(4, U32, unit="Secs"),
    "PFWInjRvrtRem": _p(6, U32, unit="Secs"),
    "PFWAbsEna": _p(8, E16),
    "PFWAbsEnaRvrt": _p(9, E16),
    "PFWAbsRvrtTms": _p(10, U32, unit="Secs"),
    "PFWAbsRvrtRem": _p(12, U32, unit="Secs"),
    "WMaxLimPctEna": _p(14, E16),
    "WMaxLimPct": _p(15, U16, sf="WMaxLimPct_SF", unit="Pct"),
    "WMaxLimPctRvrt": _p(16, U16, sf="WMaxLimPct_SF", unit="Pct"),
    "WMaxLimPctEnaRvrt": _p(17, E16),
    "WMaxLimPctRvrtTms": _p(18, U32, unit="Secs"),
    "WMaxLimPctRvrtRem": _p(20, U32, unit="Secs"),
    "WSetEna": _p(22, E16),
    "WSetMod": _p(23, E16),
    "WSet": _p(24, I32, sf="WSet_SF", unit="W"),
    "WSetRvrt": _p(26, I32, sf="WSet_SF", unit="W"),
    "WSetPct": _p(28, I16, sf="WSetPct_SF", unit="Pct"),
    "WSetPctRvrt": _p(29, I16, sf="WSetPct_SF", unit="Pct"),
    "WSetEnaRvrt": _p(30, E16),
    "WSetRvrtTms": _p(31, U32, unit="Secs"),
    "WSetRvrtRem": _p(33, U32, unit="Secs"),
    "VarSetEna": _p(35, E16),
    "VarSetMod": _p(36, E16),
    "VarSetPri": _p(37, E16),
    "VarSet": _p(38, I32, sf="VarSet_SF", unit="Var"),
    "VarSetRvrt": _p(40, I32, sf="VarSet_SF", unit="Var"),
    "VarSetPct": _p(42, I16, sf="VarSetPct_SF", unit="Pct"),
    "VarSetPctRvrt": _p(43, I16, sf="VarSetPct_SF", unit="Pct"),
    "VarSetEnaRvrt": _p(44, E16),
    "VarSetRvrtTms": _p(45, U32, unit="Secs"),
    "VarSetRvrtRem": _p(47, U32, unit="Secs"),
    "WRmp": _p(49, U16, unit="%Max/Sec"),
    "WRmpRef": _p(50, E16),
    "VarRmp": _p(51, U16, unit="%Max/Sec"),
    "AntiIslEna": _p(52, E16),
    "PF_SF": _p(53, SF),
    "WMaxLimPct_SF": _p(54, SF),
    "WSet_SF": _p(55, SF),
    "WSetPct_SF": _p(56, SF),
    "VarSet_SF": _p(57, SF),
    "VarSetPct_SF": _p(58, SF),
}

# Model 713 (DER Storage Capacity): length 7.
MODEL_713: dict[str, Point] = {
    "WHRtg": _p(2, U16, sf="WH_SF", unit="WH"),
    "WHAvail": _p(3, U16, sf="WH_SF", unit="WH"),
    "SoC": _p(4, U16, sf="Pct_SF", unit="Pct"),
    "SoH": _p(5, U16, sf="Pct_SF", unit="Pct"),
    "Sta": _p(6, E16),
    "WH_SF": _p(7, SF),
    "Pct_SF": _p(8, SF),
}
