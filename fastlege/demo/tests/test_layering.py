"""The demo app sits at the top of the house: no other part of fastlege imports it.

Every ``.py`` file under ``fastlege/`` outside ``fastlege/demo/`` is parsed with
:mod:`ast` and its imports (at any depth, also inside functions and
``TYPE_CHECKING`` blocks) are resolved to absolute module names; none may be
``fastlege.demo`` or below it. Management commands are found by name at run time
(``call_command("seed")``), which is not an import and is allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import fastlege

PACKAGE_ROOT = Path(fastlege.__file__).resolve().parent
DEMO = PACKAGE_ROOT / "demo"
FORBIDDEN = "fastlege.demo"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``, a module of
    ``package``; ``from x import y`` gives both ``x`` and ``x.y`` (``y`` may be a
    submodule)."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def is_demo(module: str) -> bool:
    return module == FORBIDDEN or module.startswith(FORBIDDEN + ".")


def test_the_check_sees_absolute_relative_and_nested_imports() -> None:
    """The parser itself: each way of writing the import is caught, the look-alikes are not."""
    cases = {
        "import fastlege.demo.seed": True,
        "from fastlege.demo.seed import runner": True,
        "from fastlege import demo": True,
        "def f():\n    from fastlege.demo import apps": True,
        # relative, from a module of fastlege.registry.services:
        "from ... import demo": True,
        "from ...demo.seed import plan": True,
        "from .. import demo": False,  # fastlege.registry.demo
        "from fastlege import demographics": False,
        "import fastlege.registry": False,
    }
    for source, forbidden in cases.items():
        found = imported_modules(source + "\n", "fastlege.registry.services")
        assert any(is_demo(m) for _, m in found) is forbidden, source


def test_no_app_imports_the_demo() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE_ROOT.parent)}:{line}: {module}"
        for path in sorted(PACKAGE_ROOT.rglob("*.py"))
        if DEMO not in path.parents
        for line, module in imported_modules(path.read_text(encoding="utf-8"), package_of(path))
        if is_demo(module)
    ]
    checked = [p for p in PACKAGE_ROOT.rglob("*.py") if DEMO not in p.parents]
    assert len(checked) > 100  # the walk really covers the apps
    assert offenders == []
