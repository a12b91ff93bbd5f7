"""Kata packs: a teacher's katas in a folder laid out as the kit's, through init, run, unlock and verify."""

from __future__ import annotations

import json
import shutil

from conftest import PACK, tddkit

from tddkit import catalogue


def test_verify_checks_a_pack(tmp_path):
    done = tddkit("verify", "--pack", str(PACK), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "shout" in done.stdout and "sincostan" not in done.stdout, "the pack's katas only"
    assert "no_bang" in done.stdout and "caught by test_shout_is_upper_case_with_a_bang" in done.stdout


def test_a_stale_mutant_fails_verify_with_its_name(tmp_path):
    pack = shutil.copytree(PACK, tmp_path / "pack")
    reference = pack / "solutions" / "shout.py"
    reference.write_text(reference.read_text().replace('text.upper() + "!"', 'f"{text.upper()}!"'))
    done = tddkit("verify", "--pack", str(pack), cwd=tmp_path)
    assert done.returncode == 1
    assert "shout: mutant no_bang: its change to solutions/shout.py no longer applies" in done.stdout


def test_init_puts_the_pack_after_the_kits_katas_and_it_runs_and_unlocks(tmp_path):
    done = tddkit("init", "ws", "--pack", str(PACK), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ws = tmp_path / "ws"
    assert (ws / "tests" / "test_shout.py").read_bytes() == (PACK / "tests" / "test_shout.py").read_bytes()
    assert (ws / "katas" / "shout.py").read_bytes() == (PACK / "katas" / "shout.py").read_bytes()
    assert (ws / "lessons" / "shout.md").read_text().startswith("# Say it louder\n")
    assert (ws / "katas" / "sincostan.py").exists(), "the kit's own katas come first"
    status = json.loads(tddkit("status", "--json", cwd=ws).stdout)
    assert [row["kata"] for row in status][-1] == "shout"

    red = tddkit("run", "shout", cwd=ws)
    assert red.returncode == 1 and "0/2 tests passed" in red.stdout
    lesson = tddkit("lesson", "shout", cwd=ws)
    last = len(catalogue.load()) + 1  # the pack's one kata comes after every kata of the kit
    assert f"Kata {last}/{last}: shout - Say it louder" in lesson.stdout and "exclamation mark" in lesson.stdout
    hint = tddkit("hint", "shout", cwd=ws)
    assert "`str.upper()` does the first half." in hint.stdout
    shutil.copyfile(PACK / "solutions" / "shout.py", ws / "katas" / "shout.py")
    green = tddkit("run", "shout", cwd=ws)
    assert green.returncode == 0, green.stdout + green.stderr
    assert (ws / "solutions" / "shout.py").read_bytes() == (PACK / "solutions" / "shout.py").read_bytes()
    assert tddkit("solution", "shout", cwd=ws).returncode == 0


def test_a_pack_named_in_the_config_of_a_workspace_joins_it(tmp_path):
    assert tddkit("init", "ws", cwd=tmp_path).returncode == 0
    ws = tmp_path / "ws"
    assert not (ws / "katas" / "shout.py").exists()
    with open(ws / ".tddkit" / "workspace.toml", "a") as config:
        config.write(f"pack = {json.dumps(str(PACK))}\n")
    done = tddkit("run", "shout", cwd=ws)
    assert done.returncode == 1 and "0/2 tests passed" in done.stdout, done.stdout + done.stderr
    assert (ws / "tests" / "test_shout.py").is_file() and (ws / "lessons" / "shout.md").is_file()


def test_a_broken_pack_gets_one_line_per_problem_and_nothing_is_made(tmp_path):
    pack = shutil.copytree(PACK, tmp_path / "pack")
    (pack / "tests" / "test_shout.py").unlink()
    meta = pack / "lessons" / "shout.toml"
    meta.write_text(meta.read_text().replace("timeout = 10", "timout = 10").replace("given = []", 'given = ["../x.py"]'))
    lesson = pack / "lessons" / "shout.md"
    lesson.write_text(lesson.read_text().replace("## Step 2:", "## Step 3:"))
    (pack / "lessons" / "forgotten.toml").write_text("files = []\n")
    for command in (("verify", "--pack", str(pack)), ("init", "ws", "--pack", str(pack))):
        done = tddkit(*command, cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        lines = done.stderr.splitlines()
        assert all(line.startswith("tddkit: ") for line in lines), lines
        assert [line for line in lines if "test_shout.py" in line and "not in the folder" in line]
        assert [line for line in lines if "unknown key 'timout'" in line]
        assert [line for line in lines if "expected '## Step 2: ...', found step 3" in line]
        assert [line for line in lines if "forgotten.toml is not a kata of this folder" in line]
        assert [line for line in lines if "../x.py must stay inside the folder" in line]
        assert len(lines) == 6, lines  # and ../x.py is not in the folder either
    assert not (tmp_path / "ws").exists()


def test_a_pack_that_is_not_there_is_one_line(tmp_path):
    done = tddkit("verify", "--pack", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "is not a folder of katas" in done.stderr
