"""environment.yml and pyproject.toml must name the same dependencies."""

import re
import tomllib

import yaml

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_conda_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    named = {_name(d) for d in conda if isinstance(d, str)} - {"python", "pip"}
    # Packages conda-forge does not carry come from PyPI, in the pip section.
    from_pypi = [d for entry in conda if isinstance(entry, dict) for d in entry.get("pip", [])]
    named |= {_name(d) for d in from_pypi if not d.startswith("-")}
    assert named == wanted, (
        f"only in environment.yml: {sorted(named - wanted)}; only in pyproject.toml: {sorted(wanted - named)}"
    )


def test_python_versions_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    assert project["requires-python"] == ">=3.11"
    assert "python>=3.11" in conda


def test_a_hang_fails_the_tests_fast_instead_of_stalling_them(pytestconfig):
    # Issue 19: a notebook that never finished stalled `make test` until CI's own limit (90
    # minutes for everything, setup included). Each layer has a limit of its own, and nbval's,
    # which interrupts the cell and names it with its source, comes first for a notebook cell.
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    (cell,) = re.findall(r"--nbval-cell-timeout=(\d+)", options["addopts"])
    assert 0 < int(cell) <= 300
    assert int(cell) < int(options["timeout"]) <= 900
    assert int(options["timeout"]) < int(options["session_timeout"]) <= 3600
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "pytest-timeout" in {_name(r) for r in project["optional-dependencies"]["test"]}
    assert pytestconfig.pluginmanager.hasplugin("timeout"), "pytest-timeout is installed (make setup)"
