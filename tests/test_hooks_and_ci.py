"""Git hooks and CI recipes, checked by the tools that will run them: pre-commit and the CI schemas."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, run_git
from sap_cli import cli

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RECIPES = ROOT / "src" / "sap_cli" / "templates" / "ci"


def tool(
    name: str, *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.mark.slow
def test_the_hook_manifest_is_one_pre_commit_accepts() -> None:
    result = tool("pre-commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr


def _as_try_repo_would(hooks: Path, env: dict[str, str]) -> Path:
    """What `pre-commit try-repo ROOT` runs, with the hooks installed once for both runs below.

    try-repo commits the working tree as it is (changes not yet committed too) to a repository of
    its own, writes a config naming that commit and every hook of its manifest, and runs
    `pre-commit run` with it; but it keeps the hooks' environment (a virtual environment with sap
    pip-installed in it, some 7 s) in a temporary store, so each try-repo installed sap again.
    Here the same commit and config, and PRE_COMMIT_HOME keeps the environment between the runs.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (hooks / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, hooks / name)
    run_git(hooks, "init", "-q")
    run_git(hooks, "add", "-A")
    run_git(hooks, "commit", "-qm", "the working tree, as try-repo commits it")
    rev = run_git(hooks, "rev-parse", "HEAD").strip()
    ids = re.findall(r"^- id: (\S+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), re.M)
    assert ids == ["sap-validate", "sap-render-check"], ids
    config = hooks.parent / "pre-commit-config.yaml"
    hook_lines = "".join(f"      - id: {hook}\n" for hook in ids)
    config.write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n{hook_lines}", encoding="utf-8"
    )
    return config


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit installs hooks from a git repository")
def test_the_hooks_pass_a_sound_repository_and_stop_a_broken_one(tmp_path: Path) -> None:
    repo = tmp_path / "partnerships"
    shutil.copytree(EXAMPLES / "micro-credential", repo / "micro-credential")
    run_git(repo, "init", "-q")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-qm", "a partnership")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.org",
        GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@example.org",
    )  # fmt: skip

    config = _as_try_repo_would(tmp_path / "hooks", env)
    passed = tool("pre-commit", "run", "--all-files", "--config", str(config), cwd=repo, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "sap validate" in passed.stdout and "Passed" in passed.stdout

    matrix = repo / "micro-credential" / "matrix.yaml"
    matrix.write_text(matrix.read_text(encoding="utf-8").replace("level: consult", "level: asked", 1))
    failed = tool("pre-commit", "run", "--all-files", "--config", str(config), cwd=repo, env=env)
    assert failed.returncode == 1
    assert "micro-credential/matrix.yaml:" in failed.stdout
    assert "'asked' is not one of the choices" in failed.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("recipe", "schema"),
    [("github-actions.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")],
)
def test_the_ci_recipes_are_valid_for_their_service(recipe: str, schema: str) -> None:
    result = tool("check-jsonschema", "--builtin-schema", schema, str(RECIPES / recipe))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("recipe", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_readme_shows_each_recipe_as_shipped(recipe: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```yaml\n{(RECIPES / recipe).read_text(encoding='utf-8')}```" in readme


@pytest.mark.parametrize("recipe", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_sap_commands_in_each_recipe_pass_on_a_sound_repository(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recipe: str
) -> None:
    import shlex

    commands = re.findall(r"^\s*-\s*(?:run:\s*)?(sap .+)$", (RECIPES / recipe).read_text(), re.MULTILINE)
    assert len(commands) == 2, commands
    shutil.copytree(EXAMPLES, tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")  # CI runs them at the repository root
    for command in commands:
        result = runner.invoke(cli.app, shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}: {result.output}"


def test_render_check_all_names_the_partnership_whose_documents_are_stale(
    runner: CliRunner, tmp_path: Path
) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "repo")
    goals = tmp_path / "repo/course-redesign/goals.yaml"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(text.replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    result = runner.invoke(cli.app, ["render", "--check", "--all", str(tmp_path / "repo")])
    assert result.exit_code == 1
    assert "course-redesign/docs/agreement.md" in result.output
    assert result.output.count("The documents are up to date.") == 2
