"""
Every package the code imports is declared in pyproject.toml, in the group
that imports it, so the lock files written from it hold all the app needs.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
OWN = {"events", "intake", "searches", "tracker", "synthetic", "tests", "bench"}
# Modules of a group that the development environment does not install.
NOT_INSTALLED = {"rest_framework_gis": "djangorestframework-gis"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for group in groups:
        specs += project["optional-dependencies"][group]
    return {normalized(re.match(r"[A-Za-z0-9._-]+", spec).group()) for spec in specs}


def imported(*folders: str) -> set[str]:
    """The top-level modules that the Python files under `folders` import."""
    modules = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - OWN


def distributions(modules: set[str]) -> set[str]:
    installed = packages_distributions()
    found = set()
    for module in modules:
        names = installed.get(module) or [NOT_INSTALLED[module]]
        found |= {normalized(name) for name in names}
    return found


@pytest.mark.parametrize(
    ("folders", "groups"),
    [
        (("events", "intake", "searches", "tracker", "synthetic"), ()),
        (("tests",), ("dev",)),
        (("bench",), ("dev", "bench")),
    ],
)
def test_every_imported_package_is_declared(
    folders: tuple[str, ...], groups: tuple[str, ...]
) -> None:
    assert distributions(imported(*folders)) - declared(*groups) == set()


def test_every_installed_app_is_a_runtime_dependency() -> None:
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS} - OWN
    assert distributions(apps) - declared() == set()
