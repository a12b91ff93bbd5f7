"""The kit as a learner gets it: a non-editable install into a new virtual environment."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

from conftest import REPO

from tddkit import catalogue


def test_a_non_editable_install_makes_a_complete_workspace(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("tddkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tddkit/_content/solutions/sincostan.py" in names, "the kata content ships inside the package"
    assert not any(n.startswith("kit_tests/") for n in names)

    # `tddkit init` needs nothing but the standard library, so the new environment needs no
    # network: the kit's dependencies are not installed into it.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run([env_dir / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    done = subprocess.run([env_dir / "bin" / "tddkit", "init", "ws"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    ws = tmp_path / "ws"
    for kata in catalogue.load():
        for rel in kata.shipped:
            assert (ws / rel).read_bytes() == (REPO / rel).read_bytes(), rel
        for rel in kata.files:
            assert (ws / rel).exists() == (REPO / rel).exists(), rel
    assert not list((ws / "solutions").iterdir())
    status = subprocess.run([env_dir / "bin" / "tddkit", "status"], cwd=ws, capture_output=True, text=True, timeout=60)
    assert status.returncode == 0 and "sincostan" in status.stdout
