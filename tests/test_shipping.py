"""The rule library ships in the wheel and is the default; a folder of one's own works alone or
layered on it; the versions an answer was given under are named (engine, contract, each rule
folder's release, the content hash)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import obligate
from obligate.language.release import read_release, shipped_rules

ROOT = Path(__file__).resolve().parents[1]

# A layer of one's own: a made-up place with one made-up duty (not real law), on top of the
# shipped library.
LAYER = """\
jurisdiction ZQ "Test Land" { }
instrument ZQ-ACT "Test Act" {
  jurisdiction: ZQ
  url: "https://example.org/zq"
  effective: 2020-01-01
}
obligation ZQ-HELLO "Say hello" {
  category: safety_by_design
  cites: ZQ-ACT "s. 1"
  when: user.age < 18
}
"""


def test_the_shipped_library_is_the_default_and_names_its_release() -> None:
    shipped = obligate.load()
    assert shipped.version == obligate.load(ROOT / "rules").version
    (release,) = shipped.releases
    assert release == read_release(ROOT / "rules")
    assert release.name == "obligate-rules"
    assert release.version and release.law_read
    assert shipped_rules().samefile(ROOT / "rules") or (shipped_rules() / "library.toml").is_file()


def test_a_folder_of_ones_own_works_alone_and_on_top_of_the_shipped_one(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "zq.obl").write_text(LAYER)
    alone = obligate.load(mine, use_cache=False)
    assert set(alone.duties) == {"ZQ-HELLO"}
    layered = obligate.load("@shipped", mine, use_cache=False)
    assert "ZQ-HELLO" in layered.duties and "EU-DSA-28-1" in layered.duties
    assert [r.name for r in layered.releases] == ["obligate-rules", "mine"]
    answer = layered.determine({}, {"age": 12, "location": "ZQ"}, "2026-06-01")
    assert answer.duty_ids == ["ZQ-HELLO"]


def test_every_answer_names_the_versions_it_was_given_under(rulebase: obligate.RuleBase) -> None:
    shipped = obligate.load()
    answer = json.loads(
        shipped.determine(
            {"types": ["social_media"]}, {"age": 15, "location": "DE"}, "2026-06-01"
        ).to_json()
    )
    about = answer["rulebase"]
    assert about["version"] == shipped.version  # the content hash, as before
    assert about["rules"] == len(shipped.duties)
    assert about["engine"] == obligate.__version__
    assert about["contract"] == "1.1"
    (library,) = about["libraries"]
    assert library["name"] == "obligate-rules" and library["version"] and library["law_read"]


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ('version = "1.0"\nlaw_read = "yesterday"\n', "law_read must be a date"),
        ("version = 1\n", "version must be text"),
        ("version = [\n", "cannot read this file"),
    ],
)
def test_a_malformed_manifest_is_a_positioned_error(
    tmp_path: Path, manifest: str, message: str
) -> None:
    (tmp_path / "zq.obl").write_text(LAYER)
    (tmp_path / "library.toml").write_text(manifest)
    with pytest.raises(obligate.RuleFileError) as raised:
        obligate.load(tmp_path, use_cache=False)
    (problem,) = raised.value.diagnostics
    assert problem.code == "E013" and message in problem.message
    assert problem.span.file.endswith("library.toml")


def test_the_wheel_holds_the_rule_library_and_its_release(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0 and "hatchling" in built.stderr:
        pytest.skip("hatchling is not installed here; .ci/run installs the wheel for real")
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("obligate-*.whl")
    assert wheel.name.startswith(f"obligate-{obligate.__version__}-")
    with zipfile.ZipFile(wheel) as bundle:
        names = set(bundle.namelist())
        shipped = {
            n.removeprefix("obligate/rules/") for n in names if n.startswith("obligate/rules/")
        }
        expected = {
            p.relative_to(ROOT / "rules").as_posix()
            for p in (ROOT / "rules").rglob("*")
            if p.is_file()
        }
        assert shipped == expected
        assert "library.toml" in shipped and "CHANGELOG.md" in shipped
        assert (
            bundle.read("obligate/rules/library.toml")
            == (ROOT / "rules" / "library.toml").read_bytes()
        )
        assert "obligate/grammar/obligate.lark" in names


def test_answers_name_the_shipped_files_alike_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the package is installed and where the command runs must not change an answer:
    the shipped library's files are named ``rules/...`` (an installed package once answered
    ``.venv/lib/python3.11/site-packages/obligate/rules/eu/dsa.obl:275``)."""
    facts = {"types": ["social_media"], "established_in": "IE"}
    asked = {"age": 15, "location": "DE"}
    monkeypatch.chdir(tmp_path)
    elsewhere = obligate.load().determine(facts, asked, "2026-06-01")
    monkeypatch.chdir(ROOT.parent)
    above = obligate.load().determine(facts, asked, "2026-06-01")
    sources = [duty.source for duty in elsewhere.duties]
    assert sources and all(s.startswith("rules/") and ".obl:" in s for s in sources)
    assert elsewhere.to_json() == above.to_json()
    assert (ROOT / sources[0].rsplit(":", 1)[0]).is_file()
