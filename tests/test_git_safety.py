"""A repository that arrives with a folder names programs in its .git/config; sap's git calls run none.

Planted: core.fsmonitor, core.pager and pager.log, gpg.program with log.showSignature and
commit.gpgSign (and a signed commit for it to check), diff.external, a diff driver's textconv and
command, a clean/smudge filter on every file, core.hooksPath, and hooks in .git/hooks. Each planted
program writes its name to a file; sap's commands must leave that file empty, while git run plainly
on the same repository fills it (so the planted programs are real).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled, run_git
from sap_cli import cli
from sap_cli.errors import GitFailed
from sap_cli.files import git, git_commit

HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-index-change")
CHECKIN = [
    "--no-input", "--date", "2026-03-04", "--title", "Week 6", "--attendee", "amira-haddad",
    "--decision", "Students pick two readings for week 8",
]  # fmt: skip


def _program(where: Path, name: str, ran: Path, passes_input: bool = False) -> str:
    path = where / name
    rest = "cat\n" if passes_input else "exit 1\n"
    path.write_text(f'#!/bin/sh\necho "{name}" >> "{ran}"\n{rest}', encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def _sign_head(repo: Path) -> None:
    """Give HEAD a (made-up) signature, so showing signatures would call gpg.program on it."""
    body = run_git(repo, "cat-file", "commit", "HEAD")
    header, _, message = body.partition("\n\n")
    signature = " -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----"
    signed = f"{header}\ngpgsig{signature}\n\n{message}"
    done = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo, input=signed, capture_output=True, text=True, check=True,
    )  # fmt: skip
    run_git(repo, "update-ref", "HEAD", done.stdout.strip())


@pytest.fixture
def stranger(tmp_path: Path, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding a partnership, whose .git/config and hooks name a program for everything."""
    repo = tmp_path / "arrived"
    repo.mkdir()
    folder = make_partnership("arrived/demo")
    (repo / ".gitattributes").write_text("* filter=planted diff=planted\n", encoding="utf-8")
    run_git(repo, "init", "-q", "-b", "main")
    run_git(repo, "add", ".")
    run_git(repo, "commit", "-qm", "start")
    _sign_head(repo)
    ran = tmp_path / "ran.txt"
    ran.touch()
    programs = tmp_path / "programs"
    programs.mkdir()
    planted = {
        "core.fsmonitor": _program(programs, "fsmonitor", ran),
        "core.pager": _program(programs, "pager", ran, passes_input=True),
        "pager.log": _program(programs, "pager-log", ran, passes_input=True),
        "gpg.program": _program(programs, "gpg", ran),
        "gpg.openpgp.program": _program(programs, "gpg-openpgp", ran),
        "log.showSignature": "true",
        "commit.gpgSign": "true",
        "diff.external": _program(programs, "diff-external", ran),
        "diff.planted.textconv": _program(programs, "textconv", ran, passes_input=True),
        "diff.planted.command": _program(programs, "diff-command", ran),
        "filter.planted.clean": _program(programs, "clean", ran, passes_input=True),
        "filter.planted.smudge": _program(programs, "smudge", ran, passes_input=True),
    }
    hooks = tmp_path / "their-hooks"
    hooks.mkdir()
    for hook in HOOKS:
        _program(repo / ".git/hooks", hook, ran)
        _program(hooks, f"hookspath-{hook}", ran)
        (hooks / f"hookspath-{hook}").rename(hooks / hook)
    planted["core.hooksPath"] = str(hooks)
    for key, value in planted.items():
        run_git(repo, "config", key, value)
    (hooks.parent / "gitconfig").write_text("[user]\n\tname = A\n\temail = a@example.org\n", encoding="utf-8")
    for key, value in {
        "GIT_CONFIG_GLOBAL": str(hooks.parent / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return folder


def _ran(folder: Path) -> list[str]:
    return (folder.parent.parent / "ran.txt").read_text(encoding="utf-8").split()


def test_no_sap_command_runs_a_program_the_repository_names(runner: CliRunner, stranger: Path) -> None:
    repo = stranger.parent
    text = (stranger / "roles.yaml").read_text(encoding="utf-8")
    (stranger / "roles.yaml").write_text(text.replace("Run the focus group", "Run two focus groups"), "utf-8")
    today = dt.date.today().isoformat()
    diff = runner.invoke(cli.app, ["agreement", "diff", str(stranger), "--since", today])
    assert_handled(diff)
    assert diff.exit_code == 0, diff.output
    assert "added 'Run two focus groups'" in diff.output  # the history was read, through git log and show
    checkin = runner.invoke(cli.app, ["checkin", str(stranger), "--commit", *CHECKIN])
    assert_handled(checkin)
    assert checkin.exit_code == 0, checkin.output
    assert "committed to git" in checkin.output
    init = runner.invoke(cli.app, ["init", str(repo / "second"), "--no-input", "--title", "Second", "--git"])
    assert_handled(init)
    assert init.exit_code == 0, init.output
    assert _ran(stranger) == []
    log = run_git(repo, "log", "--format=%s", "-2").splitlines()
    assert log[0].startswith("Start the partnership: Second") and log[1] == "Meeting on 2026-03-04: Week 6"

    # The same steps by plain git, as sap did them before: the planted programs are real.
    plain = dict(os.environ)
    (stranger / "roles.yaml").write_text(text, encoding="utf-8")
    for args in (
        ["log", "--format=%H %cs", "--", "."],
        ["add", "roles.yaml"],
        ["commit", "-qm", "plain", "--", "roles.yaml"],
    ):
        subprocess.run(["git", *args], cwd=stranger, env=plain, capture_output=True, check=False)
    ran = set(_ran(stranger))
    assert {"fsmonitor", "gpg-openpgp", "clean", "hookspath-pre-commit"} <= ran, ran


def test_the_users_own_hooks_and_signing_still_apply(
    runner: CliRunner, stranger: Path, tmp_path: Path
) -> None:
    own_hooks = tmp_path / "my-hooks"
    own_hooks.mkdir()
    _program(own_hooks, "pre-commit", tmp_path / "mine.txt")
    (own_hooks / "pre-commit").write_text(
        f'#!/bin/sh\necho mine >> "{tmp_path / "mine.txt"}"\nexit 0\n', encoding="utf-8"
    )
    config = Path(os.environ["GIT_CONFIG_GLOBAL"])
    config.write_text(config.read_text(encoding="utf-8") + f"[core]\n\thooksPath = {own_hooks}\n", "utf-8")
    settings = git._own_settings(stranger)
    assert f"core.hookspath={own_hooks}" in settings  # the user's, not the repository's
    assert "gpg.program=gpg" in settings and "core.fsmonitor=false" in settings
    checkin = runner.invoke(cli.app, ["checkin", str(stranger), "--commit", *CHECKIN])
    assert checkin.exit_code == 0, checkin.output
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8").split() == ["mine"]
    assert _ran(stranger) == []


def test_a_setting_sap_cannot_switch_off_is_refused_with_a_reason(stranger: Path) -> None:
    run_git(stranger.parent, "config", "filter.a=b.clean", "/bin/false")
    with pytest.raises(GitFailed) as raised:
        git_commit.commit_paths(stranger, [stranger / "roles.yaml"], "a change")
    message = str(raised.value)
    assert "this repository's own settings (.git/config) name a program for git to run" in message
    assert "sap ran no git command and changed nothing in git" in message
    assert "git config --unset" in (raised.value.hint or "")
    assert _ran(stranger) == []
