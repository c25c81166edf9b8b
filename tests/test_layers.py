"""Layers without cycles: no package import cycle, no import of another package's ``_private``.

The same file measures the graph: ``python tests/test_layers.py [PACKAGE_DIR]`` prints module,
edge, cycle and private-import counts (notes/architecture.md quotes it) and exits 1 on any
violation, so it can be pointed at an older checkout to show the test fails there.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "memobench"

# Violations that another branch of wave 2 removes (core, issue 11.1-11.2: the run-directory
# contract moves the rescoring the judge needs below both, and the QA table into the task).
# The lead empties these at merge; nothing else may be added here.
ALLOWED_CYCLES: set[frozenset[str]] = set()
ALLOWED_PRIVATE: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    """One import statement resolved to absolute module names."""

    src: str
    """Importing module, e.g. ``memobench.runner._run``."""
    target: str
    """Imported module (or ``module.name`` for ``from module import name``)."""
    line: int
    """Line number in the source file."""


def module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (annotation-only imports, which
    never run: the typed registries name the contracts they hold that way)."""
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def iter_imports(root: Path = ROOT) -> list[Import]:
    out: list[Import] = []
    for path in sorted(root.rglob("*.py")):
        mod = module_name(path, root)
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _runtime_nodes(tree):
            if isinstance(node, ast.Import):
                out += [Import(mod, a.name, node.lineno) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                out += [Import(mod, f"{prefix}.{a.name}", node.lineno) for a in node.names]
    return [i for i in out if i.target.startswith("memobench")]


def package_of(module: str) -> str:
    """The top-level package: ``memobench.runner._run`` -> ``runner``; ``memobench.errors`` ->
    ``errors`` (a top-level module is its own layer)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "memobench"


def existing_module(target: str, root: Path = ROOT) -> str:
    """``memobench.a._b.name`` -> ``memobench.a._b`` when ``name`` is not a module itself."""
    parts = target.split(".")
    while parts:
        cand = root.parent.joinpath(*parts)
        if cand.with_suffix(".py").exists() or (cand / "__init__.py").exists():
            return ".".join(parts)
        parts.pop()
    return target


def package_edges(imports: list[Import], root: Path = ROOT) -> set[tuple[str, str]]:
    edges = set()
    for i in imports:
        a, b = package_of(i.src), package_of(existing_module(i.target, root))
        if a != b and "memobench" not in (a, b):
            edges.add((a, b))
    return edges


def private_imports(imports: list[Import], root: Path = ROOT) -> list[Import]:
    """Imports that reach into another package's ``_private`` module (or name)."""
    bad = []
    for i in imports:
        target = existing_module(i.target, root)
        if package_of(i.src) == package_of(target):
            continue
        # private parts below the top package: memobench.pkg._mod, memobench.pkg.sub._mod;
        # memobench._util is a shared private-by-name layer everyone may use.
        parts = i.target.split(".")[2:]
        if any(p.startswith("_") and not p.startswith("__") for p in parts):
            bad.append(i)
    return bad


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    comps: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def test_no_package_cycles() -> None:
    found = [c for c in cycles(package_edges(iter_imports())) if frozenset(c) not in ALLOWED_CYCLES]
    assert not found, f"package import cycles: {found}"


def test_no_cross_package_private_imports() -> None:
    found = [
        f"{i.src}:{i.line} -> {i.target}"
        for i in private_imports(iter_imports())
        if (i.src, i.target) not in ALLOWED_PRIVATE
    ]
    assert not found, "import from the package's facade instead:\n" + "\n".join(found)


def test_allow_lists_are_not_stale() -> None:
    """An allowed violation that disappeared must leave the list (so it cannot come back)."""
    imports = iter_imports()
    live = {frozenset(c) for c in cycles(package_edges(imports))}
    assert live >= ALLOWED_CYCLES, f"remove from ALLOWED_CYCLES: {ALLOWED_CYCLES - live}"
    priv = {(i.src, i.target) for i in private_imports(imports)}
    assert priv >= ALLOWED_PRIVATE, f"remove from ALLOWED_PRIVATE: {ALLOWED_PRIVATE - priv}"


def test_detector_sees_a_cycle_and_a_private_import(tmp_path: Path) -> None:
    """The walker itself: a two-package cycle through a private module is caught."""
    pkg = tmp_path / "memobench"
    for sub, body in {
        "a": "from ..b._impl import thing\n",
        "b": "from ..a import other\n",
    }.items():
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text(body)
    (pkg / "b" / "_impl.py").write_text("thing = 1\n")
    (pkg / "__init__.py").write_text("")
    imports = iter_imports(pkg)
    assert cycles(package_edges(imports, pkg)) == [["a", "b"]]
    assert [i.target for i in private_imports(imports, pkg)] == ["memobench.b._impl.thing"]


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve() if argv else ROOT
    imports = iter_imports(root)
    modules = {module_name(p, root) for p in root.rglob("*.py")}
    edges = package_edges(imports, root)
    statements = {(i.src, i.line) for i in imports}
    priv = private_imports(imports, root)
    found = cycles(edges)
    print(f"modules: {len(modules)}")
    print(f"top-level packages and modules: {len({package_of(m) for m in modules})}")
    print(f"internal import statements: {len(statements)} ({len(imports)} names)")
    print(f"package edges: {len(edges)}")
    for comp in found:
        pairs = sorted((a, b) for a, b in edges if a in comp and b in comp)
        print(f"cycle: {' <-> '.join(comp)}   edges: {pairs}")
    print(f"cycles: {len(found)}")
    priv_statements = {(i.src, i.line) for i in priv}
    print(f"cross-package private imports: {len(priv_statements)} statements ({len(priv)} names)")
    for i in priv:
        print(f"  {i.src}:{i.line} -> {i.target}")
    return 1 if found or priv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
