"""Imports point downwards: platforms and entry files -> glue subpackages -> pure packages, with no circle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "custom_components.v2g_home"
ROOT = Path(__file__).parent.parent / "custom_components" / "v2g_home"
PURE = {"planner", "devices", "prices", "control"}
# A glue subpackage may import the ones of a lower rank, never its siblings or anything above it.
GLUE_RANK = {
    "common": 0,
    "coordinators": 1,
    "pricing": 2,
    "accounting": 3,
    "scheduling": 3,
    "grid": 4,
    "flows": 4,
}
SHARED_TOP = {"const"}  # the one top-level module every layer may read


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def _imports(path: Path, *, type_only: bool) -> set[str]:
    """Internal modules a file imports (with type_only False: only those imported at run time)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        _module(path) if path.name == "__init__.py" else _module(path).rsplit(".", 1)[0]
    )
    skipped: set[int] = set()
    if not type_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(child) for child in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = (
                [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            )
            found |= {name for name in names if name.startswith(PACKAGE + ".")}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(PACKAGE + ".")}
    return found


def _files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def _top(module: str) -> str:
    rest = module[len(PACKAGE) + 1 :]
    return rest.split(".")[0]


def _offenders(edges: dict[str, set[str]]) -> set[str]:
    """Imports that climb: a pure package reaching glue, or glue reaching a sibling or something above."""
    bad: set[str] = set()
    for source, targets in edges.items():
        layer = _top(source)
        if "." not in source[len(PACKAGE) + 1 :] and layer not in PURE | set(GLUE_RANK):
            continue  # a platform or entry file at the top may import anything below it
        for target in targets:
            other = _top(target)
            if other == layer or (
                other in PURE and (layer in PURE or layer in GLUE_RANK)
            ):
                continue
            if layer in PURE:
                bad.add(f"{source} -> {target}")
            elif other in SHARED_TOP:
                continue
            elif other not in GLUE_RANK or GLUE_RANK[other] >= GLUE_RANK[layer]:
                bad.add(f"{source} -> {target}")
    return bad


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle, if any."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def _edges(*, type_only: bool) -> dict[str, set[str]]:
    modules = {_module(path): path for path in _files()}
    edges: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for imported in _imports(path, type_only=type_only):
            # `from .pkg import name` names a module or an attribute: keep the longest real module.
            name = imported
            while name not in modules and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in modules and name != module:
                targets.add(name)
        edges[module] = targets
    return edges


def test_imports_point_downwards() -> None:
    """Glue subpackages import lower ones only (type-only imports too); pure packages import no glue."""
    assert set(GLUE_RANK) | PURE == {
        p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()
    }
    assert not _offenders(_edges(type_only=True))


def test_no_import_circle_at_run_time() -> None:
    """No module imports, at run time, a module that imports it back."""
    assert _cycle(_edges(type_only=False)) is None


def test_the_checks_can_fail() -> None:
    """A climbing import and a circle are both caught."""
    scheduling = f"{PACKAGE}.scheduling.scheduler"
    assert _offenders({scheduling: {f"{PACKAGE}.runtime"}}) == {
        f"{scheduling} -> {PACKAGE}.runtime"
    }
    assert _offenders({f"{PACKAGE}.control.decide": {f"{PACKAGE}.const"}})
    assert _offenders({f"{PACKAGE}.pricing.coordinator": {f"{PACKAGE}.flows.prices"}})
    assert not _offenders({f"{PACKAGE}.sensor": {f"{PACKAGE}.runtime"}})
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
