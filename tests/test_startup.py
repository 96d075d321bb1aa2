"""What a run imports (issue 14, point 4): `import obligate` and `obligate query` bring in only
what they use, so that the command line starts quickly. These are behaviour tests of which
modules are loaded, checked in a fresh interpreter; how fast that is, is for benchmarks/."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

import obligate
from obligate.graph.jurisdictions import JurisdictionGraph
from obligate.interfaces.cli import app
from obligate.interfaces.cli.commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
QUERY = [
    "query",
    "--service",
    str(ROOT / "examples" / "social-platform.yaml"),
    "--age",
    "15",
    "--location",
    "DE",
    "--date",
    "2026-06-01",
]
# Not needed to answer a query from a compiled library: the parser, the graph library, the
# server and its web stack, the language server, the batch tables, the harmonisation reports
NEVER_FOR_A_QUERY = (
    "lark",
    "networkx",
    "fastapi",
    "uvicorn",
    "starlette",
    "pygls",
    "pandas",
    "pyarrow",
    "jinja2",
    "obligate.interfaces.server",
    "obligate.interfaces.lsp",
    "obligate.interfaces.batch",
    "obligate.interfaces.decision_log",
    "obligate.harmonise.compare",
    "obligate.language.builder",
    "obligate.language.checks",
    "obligate.interfaces.cli.authoring",
    "obligate.interfaces.cli.harmonise",
    "obligate.interfaces.cli.serving",
    "obligate.interfaces.cli.editing",
    "obligate.determination.enforcement",  # asked for by `obligate enforcement`, not a query
    "obligate.determination.freshness",
)


def _loaded(code: str, *arguments: str) -> set[str]:
    """The modules loaded after running ``code`` in a fresh interpreter (which sees
    ``arguments`` as sys.argv[1:] and this run's compile cache)."""
    report = (
        "\nimport json, sys\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)) + '\\n')\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code + report, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert "MODULES " in finished.stderr, finished.stderr
    return set(json.loads(finished.stderr.rsplit("MODULES ", 1)[1]))


def _heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


def test_import_obligate_loads_no_library_until_a_name_is_used() -> None:
    modules = _loaded("import obligate; obligate.__version__")
    assert _heavy(modules, ("pydantic", "networkx", "lark", "typer", "rich", "yaml")) == []
    assert "obligate.determination.rulebase" not in modules


def test_the_public_names_are_the_same_objects_as_before() -> None:
    from obligate.determination.answer import Determination, Explanation
    from obligate.determination.query import QueryError, Service, User
    from obligate.determination.rulebase import RuleBase, load
    from obligate.language.diagnostics import Diagnostic, RuleFileError
    from obligate.language.release import shipped_rules

    expected = {
        "Determination": Determination,
        "Diagnostic": Diagnostic,
        "Explanation": Explanation,
        "QueryError": QueryError,
        "RuleBase": RuleBase,
        "RuleFileError": RuleFileError,
        "Service": Service,
        "User": User,
        "load": load,
        "shipped_rules": shipped_rules,
    }
    assert {name: getattr(obligate, name) for name in expected} == expected
    assert sorted(obligate.__all__) == sorted([*expected, "__version__"])
    assert set(obligate.__all__) <= set(dir(obligate))
    with pytest.raises(AttributeError, match="no_such_name"):
        obligate.no_such_name  # noqa: B018


RUN_CLI = "from obligate.interfaces.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass"


@pytest.mark.parametrize("output", ["table", "json"])
def test_a_query_imports_only_what_answering_it_needs(output: str) -> None:
    arguments = [*QUERY, "--format", output]
    _loaded(RUN_CLI, *arguments)  # the first run may compile the library into the cache
    modules = _loaded(RUN_CLI, *arguments)
    assert "obligate.interfaces.cli.querying" in modules  # the query did run
    assert _heavy(modules, NEVER_FOR_A_QUERY) == []
    if output == "json":
        assert _heavy(modules, ("rich",)) == []


def test_help_lists_every_command_without_importing_them() -> None:
    modules = _loaded(RUN_CLI, "--help")
    assert _heavy(modules, ("obligate.determination", "networkx", "pydantic", "yaml")) == []
    assert not any(m.startswith("obligate.interfaces.cli.") for m in modules - _CLI_BASE)


_CLI_BASE = {
    "obligate.interfaces.cli.app",
    "obligate.interfaces.cli.commands",
    "obligate.interfaces.cli.lazy",
    "obligate.interfaces.cli.version",  # main asks it whether the run is a bare --version
}


def test_each_registration_shows_its_commands_own_help() -> None:
    for command in COMMANDS:
        target = command.load()
        if inspect.isfunction(target):
            docstring = inspect.getdoc(target) or ""
        else:
            docstring = target.info.help
        assert command.help == docstring.split("\n\n")[0], command.name


def test_help_and_completion_name_every_registered_command() -> None:
    listing = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    for command in COMMANDS:
        assert f" {command.name} " in listing
    completed = (
        CliRunner()
        .invoke(
            app,
            [],
            prog_name="obligate",
            env={
                "_OBLIGATE_COMPLETE": "complete_bash",
                "COMP_WORDS": "obligate ex",
                "COMP_CWORD": "1",
            },
        )
        .output
    )
    assert completed.split() == ["explain", "explain-rule"]


def test_a_command_runs_after_the_listing_stood_it_in() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["--help"]).exit_code == 0
    explained = runner.invoke(app, ["query", "--help"], env={"COLUMNS": "200"})
    assert explained.exit_code == 0 and "--service" in explained.output


def test_the_graph_walks_agree_with_networkx_on_the_shipped_library(rulebase) -> None:  # type: ignore[no-untyped-def]
    graph = JurisdictionGraph(rulebase.compiled.library.jurisdictions.values())
    networkx_graph = graph.graph
    codes = sorted(graph.nodes)
    for code in codes:
        bfs = (code, *(child for _parent, child in nx.bfs_edges(networkx_graph, code)))
        assert graph.reach(code) == bfs
        assert graph.members(code) == {code, *nx.ancestors(networkx_graph, code)}
        for other in codes:
            try:
                expected = list(nx.shortest_path(networkx_graph, code, other))
            except nx.NetworkXNoPath:
                expected = []
            assert graph.path(code, other) == expected, (code, other)
    assert graph.edges() == [
        (a, b, d["kind"]) for a, b, d in sorted(networkx_graph.edges(data=True))
    ]
    for child, parent, kind in graph.edges():
        assert graph.edge_kind(child, parent) == kind
    assert graph.path("DE", "NOWHERE") == []


def test_the_query_answers_as_before_through_the_lazy_commands(rulebase) -> None:  # type: ignore[no-untyped-def]
    shown = CliRunner().invoke(app, [*QUERY, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    answer = json.loads(shown.output)
    module = import_module("obligate.interfaces.cli.app")
    facts = module.service_facts(ROOT / "examples" / "social-platform.yaml")
    expected = rulebase.determine(facts, {"age": 15, "location": "DE"}, "2026-06-01")
    assert answer["duties"] == json.loads(expected.to_json())["duties"]


CLOSED_CHOICES = {"--format", "--sort", "--input-format", "--output-format", "--token-for"}


def _command_functions() -> list[tuple[str, Any]]:
    """Each registered command's function, a group's (``log``) by its subcommands' names."""
    functions: list[tuple[str, Any]] = []
    for command in COMMANDS:
        target = command.load()
        if inspect.isfunction(target):
            functions.append((command.name, target))
        else:
            functions += [
                (f"{command.name} {sub.name}", sub.callback) for sub in target.registered_commands
            ]
    return functions


def test_every_closed_choice_option_is_an_enum() -> None:
    import enum
    import typing

    checked = []
    for command_name, function in _command_functions():
        hints = typing.get_type_hints(function, include_extras=True)
        for name, hint in hints.items():
            if typing.get_origin(hint) is not typing.Annotated:
                continue
            kind, *extras = typing.get_args(hint)
            flags = set()
            for extra in extras:  # typer keeps the first flag as the option's "default"
                flags |= {
                    *(getattr(extra, "param_decls", None) or ()),
                    getattr(extra, "default", None),
                }
            if flags & CLOSED_CHOICES:
                choices = [a for a in typing.get_args(kind) if a is not type(None)] or [kind]
                assert all(issubclass(c, enum.Enum) for c in choices), (command_name, name)
                checked.append(f"{command_name} {name}")
    assert {"query output", "checklist sort", "serve token_for", "log export output_format"} <= set(
        checked
    )


def test_version_reads_the_library_without_the_model() -> None:
    modules = _loaded(RUN_CLI, "--version")
    assert _heavy(modules, ("pydantic", "networkx", "lark", "rich", "yaml")) == []


def test_a_bare_version_is_answered_without_typer_or_the_cache() -> None:
    modules = _loaded(RUN_CLI, "--version")
    assert _heavy(modules, ("typer", "importlib.metadata")) == []
    assert "obligate.interfaces.cli.app" not in modules


@pytest.mark.parametrize(
    ("arguments", "environment"),
    [
        (["--version"], {}),
        (["--version", "query"], {}),  # typer's eager option, as before
        (
            ["--version"],
            {
                "_OBLIGATE_COMPLETE": "complete_bash",
                "COMP_WORDS": "obligate --v",
                "COMP_CWORD": "1",
            },
        ),
    ],
)
def test_the_version_reads_the_same_with_and_without_typer(
    arguments: list[str], environment: dict[str, str]
) -> None:
    import os

    def run(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code, *arguments],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
            env={**os.environ, **environment},
        )

    fast = run(
        "import sys; sys.argv[0] = 'obligate'\nfrom obligate.interfaces.cli import main; main()"
    )
    typed = run(
        "import sys; sys.argv[0] = 'obligate'\nfrom obligate.interfaces.cli import app; app()"
    )
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        typed.returncode,
        typed.stdout,
        typed.stderr,
    )
    if not environment:
        assert fast.stdout.startswith("obligate ") and fast.returncode == 0


@pytest.mark.parametrize("text", ["types: [social_media\n", "types:\n\t- game\n", "a: b: c\n"])
def test_a_broken_service_file_is_reported_in_pyyamls_words(tmp_path: Path, text: str) -> None:
    import yaml

    service = tmp_path / "service.yaml"
    service.write_text(text, encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load(text)
    shown = CliRunner().invoke(app, [*QUERY[:1], "--service", str(service), *QUERY[3:]])
    assert shown.exit_code == 2
    assert f"--service: cannot read {service}: {pure.value}" in shown.output


def test_a_service_file_reads_the_same_with_libyaml() -> None:
    import yaml

    for path in sorted((ROOT / "examples").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        module = import_module("obligate.interfaces.cli.app")
        assert module._read_yaml(text) == yaml.safe_load(text), path


@pytest.mark.parametrize(
    ("arguments", "given", "seen"),
    [
        (["query", "--location", "DE"], None, "__all__"),
        (["explain", "X"], None, "__all__"),
        (["query"], "my_plugin", "my_plugin"),  # the user's own setting is kept
        (["serve"], None, None),  # the server loads plugins as pydantic does
        (["check", "rules"], None, None),
    ],
)
def test_only_answering_commands_run_without_pydantic_plugins(
    monkeypatch: pytest.MonkeyPatch, arguments: list[str], given: str | None, seen: str | None
) -> None:
    import os

    import obligate.interfaces.cli as command_line

    module = import_module("obligate.interfaces.cli.app")
    during: list[str | None] = []
    monkeypatch.setattr(
        module, "app", lambda: during.append(os.environ.get("PYDANTIC_DISABLE_PLUGINS"))
    )
    monkeypatch.setattr(sys, "argv", ["obligate", *arguments])
    if given is None:
        monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    else:
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", given)
    command_line.main()
    assert during == [seen]
    assert os.environ.get("PYDANTIC_DISABLE_PLUGINS") == given


def test_the_model_builds_its_validators_on_first_use_not_at_import() -> None:
    code = (
        "import pydantic\n"
        "from obligate.language import model as m\n"
        "from obligate.language.diagnostics import Span\n"
        "models = [v for v in vars(m).values()\n"
        "          if isinstance(v, type) and issubclass(v, pydantic.BaseModel)]\n"
        "assert models and not [c for c in models if c.__pydantic_complete__], 'built'\n"
        "span = {'file': 'f', 'line': 1, 'col': 1}\n"
        "leaf = {'kind': 'has', 'span': span, 'name': 'x'}\n"
        "nested = {'kind': 'all', 'span': span, 'items': [\n"
        "    {'kind': 'not', 'span': span, 'item': {'kind': 'any', 'span': span,\n"
        "                                          'items': [leaf]}}]}\n"
        "value = m.AllOf.model_validate(nested)\n"
        "assert type(value.items[0].item.items[0]) is m.HasFeature\n"
        "print('ok')\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.stdout == "ok\n", finished.stderr
