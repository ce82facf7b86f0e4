"""The package's layers import downwards only, and no module imports itself round a loop.

Data flows one way (note -> doc -> mentions -> candidates -> features -> scores -> policy
-> response -> feedback -> training); a lower layer importing a higher one is how two
copies of the same logic start. Imports are read from the source (module level, outside
`if TYPE_CHECKING:`), so the test sees what `import` would do without running it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "coder_assist"

# Layer of each top-level part, lowest first; a module may import its own layer or lower.
LAYERS: dict[str, int] = {
    "_version": 0,
    "vocabulary": 0,
    "errors": 0,
    "jsonutil": 0,
    "settings": 0,
    "text": 0,
    "codesets": 1,
    "nlp": 2,
    "candidates": 3,
    "ranking": 4,
    "schemas": 4,
    "rules": 5,
    "policy": 5,
    "suggest": 6,
    "feedback": 6,
    "bench": 7,
    "training": 7,
    "api": 8,
    "cli": 8,
    "__init__": 9,
    "__main__": 9,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:  # module level only: function-level imports are deliberate and lazy
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in found if m.split(".")[0] == "coder_assist"}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in _top_level_imports(path) if m in modules and m != name}
    return graph


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS[parts[1] if len(parts) > 1 else "__init__"]


def test_every_part_of_the_package_has_a_layer() -> None:
    tops = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file() or p.name == "nlp"
    }
    assert tops <= set(LAYERS), f"give these a layer: {sorted(tops - set(LAYERS))}"


def test_no_module_imports_a_higher_layer() -> None:
    upward = sorted(
        f"{a} -> {b}"
        for a, deps in _graph().items()
        for b in deps
        if _layer(b) > _layer(a) and not a.endswith("__init__")
    )
    assert upward == []


def test_there_are_no_import_cycles() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    # A package's __init__ importing its own submodules is not a loop worth reporting.
    real = [c for c in cycles if not all(m.startswith(c[0].rsplit(".", 1)[0]) for m in c)]
    assert real == [], real
