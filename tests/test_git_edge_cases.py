"""`--commit` and `init --git` where git will not simply commit: a detached HEAD, a failing hook, a
meeting file the user was still editing.

The user's own hooks folder (core.hooksPath in their global config, the one way sap runs hooks)
holds a pre-commit hook that fails while a "gate" file exists, so a test can make the commit fail
and then let the retry through. Each case checks what is on disk and in git afterwards, not only
the message.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled, replace_once, run_git
from sap_cli import cli

WEEK_6 = [
    "--no-input", "--date", "2026-03-04", "--title", "Week 6", "--attendee", "amira-haddad",
    "--action", "amira-haddad: Pilot the revised rubric by 2026-03-11",
]  # fmt: skip
MEETING = "checkins/2026-03-04-week-6.yaml"
CLOSE = ["--no-input", "--date", "2026-03-09", "--done", "2026-03-04-week-6-a1", "--commit"]
HOOK_SAYS = "pre-commit: the spell check found 1 problem"


@pytest.fixture
def gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own pre-commit hook, which fails while the returned file exists."""
    hooks = tmp_path / "my-hooks"
    hooks.mkdir()
    closed = tmp_path / "gate-closed"
    hook = hooks / "pre-commit"
    hook.write_text(f'#!/bin/sh\nif [ -e "{closed}" ]; then echo "{HOOK_SAYS}" >&2; exit 1; fi\n', "utf-8")
    hook.chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(
        f"[user]\n\tname = A\n\temail = a@example.org\n[core]\n\thooksPath = {hooks}\n", encoding="utf-8"
    )
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return closed


@pytest.fixture
def repo(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, gate: Path) -> Path:
    """A committed partnership on branch main, with the working folder just above it."""
    folder = make_partnership()
    monkeypatch.chdir(folder.parent)
    run_git(folder, "init", "-q", "-b", "main")
    run_git(folder, "add", ".")
    run_git(folder, "commit", "-qm", "start")
    return folder


@pytest.fixture
def with_meeting(runner: CliRunner, repo: Path) -> Path:
    """`repo` with a committed Week 6 meeting whose one action is open."""
    assert runner.invoke(cli.app, ["checkin", "demo", *WEEK_6]).exit_code == 0
    run_git(repo, "add", MEETING)
    run_git(repo, "commit", "-qm", "Week 6")
    return repo


def _head(folder: Path) -> str:
    return run_git(folder, "rev-parse", "HEAD").strip()


def _listing(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` (outside .git) with its bytes; None for a folder."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
        if ".git" not in p.relative_to(folder).parts
    }


# -- a detached HEAD: refused before anything is written ------------------------------------------


def test_checkin_commit_on_a_detached_head_writes_nothing(runner: CliRunner, repo: Path) -> None:
    run_git(repo, "checkout", "-q", "--detach")
    before, head = _listing(repo), _head(repo)
    result = runner.invoke(cli.app, ["checkin", "demo", "--commit", *WEEK_6])
    assert_handled(result)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "no branch" in said and "detached HEAD" in said
    assert "git checkout main" in said  # what would have made the meeting vanish
    assert "nothing was written" in said
    assert "git switch" in said and "leave out --commit" in said
    assert _listing(repo) == before and _head(repo) == head
    assert run_git(repo, "status", "--porcelain") == ""


def test_done_commit_on_a_detached_head_leaves_the_meeting_as_it_was(
    runner: CliRunner, with_meeting: Path
) -> None:
    run_git(with_meeting, "checkout", "-q", "--detach")
    before = (with_meeting / MEETING).read_bytes()
    result = runner.invoke(cli.app, ["checkin", "demo", *CLOSE])
    assert_handled(result)
    assert result.exit_code == 1
    assert "detached HEAD" in " ".join(result.output.split())
    assert (with_meeting / MEETING).read_bytes() == before
    assert run_git(with_meeting, "status", "--porcelain") == ""


def test_edit_commit_on_a_detached_head_stops_before_the_editor_opens(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened = tmp_path / "editor-opened"
    monkeypatch.setenv("VISUAL", f"touch {opened}")
    run_git(repo, "checkout", "-q", "--detach")
    result = runner.invoke(cli.app, ["checkin", "demo", "--edit", "--commit", *WEEK_6])
    assert_handled(result)
    assert result.exit_code == 1
    assert "detached HEAD" in " ".join(result.output.split())
    assert not opened.exists()
    assert not (repo / "checkins").exists()  # no draft either


def _a_repository_but_no_partnership(repo: Path) -> None:
    """`sap init` refuses a folder inside a partnership, so these tests start in a plain repository."""
    run_git(repo, "rm", "-q", "project.yaml")
    run_git(repo, "commit", "-qm", "no longer a partnership")


def test_init_git_inside_a_repository_on_a_detached_head_makes_nothing(runner: CliRunner, repo: Path) -> None:
    _a_repository_but_no_partnership(repo)
    run_git(repo, "checkout", "-q", "--detach")
    result = runner.invoke(cli.app, ["init", "demo/second", "--no-input", "--title", "Second", "--git"])
    assert_handled(result)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "detached HEAD" in said and "leave out --git" in said
    assert not (repo / "second").exists()


# -- a commit that git refuses: what sap wrote is taken back, and the retry works -----------------


def test_a_failing_hook_takes_back_the_new_meeting_and_the_retry_works(
    runner: CliRunner, repo: Path, gate: Path
) -> None:
    gate.touch()
    before, head = _listing(repo), _head(repo)
    failed = runner.invoke(cli.app, ["checkin", "demo", "--commit", *WEEK_6])
    assert_handled(failed)
    assert failed.exit_code == 1
    said = " ".join(failed.output.split())
    assert HOOK_SAYS in said  # the hook's own words
    assert f"removed demo/{MEETING}" in said and "nothing is left" in said
    assert _listing(repo) == before  # not even an empty checkins/ folder
    assert run_git(repo, "status", "--porcelain", "--untracked-files=all") == ""  # nothing staged
    assert _head(repo) == head

    gate.unlink()
    retry = runner.invoke(cli.app, ["checkin", "demo", "--commit", *WEEK_6])
    assert retry.exit_code == 0, retry.output
    assert f"wrote demo/{MEETING}" in retry.output  # the same name, not ...-2.yaml
    assert sorted(p.name for p in (repo / "checkins").iterdir()) == ["2026-03-04-week-6.yaml"]
    assert run_git(repo, "log", "--format=%s", "-1").strip() == "Meeting on 2026-03-04: Week 6"
    assert run_git(repo, "status", "--porcelain") == ""


def test_a_failing_hook_says_exactly_what_could_not_be_taken_back(
    runner: CliRunner, repo: Path, gate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unlink = Path.unlink

    def refuse_the_meeting(path: Path, missing_ok: bool = False) -> None:
        if path.name == "2026-03-04-week-6.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse_the_meeting)
    gate.touch()
    failed = runner.invoke(cli.app, ["checkin", "demo", "--commit", *WEEK_6])
    assert_handled(failed)
    assert failed.exit_code == 1
    said = " ".join(failed.output.split())
    assert "could not take back everything" in said
    assert (
        f"still there: demo/{MEETING} (Permission denied); the folder demo/checkins, which is not empty"
        in said
    )
    assert "nothing is left" not in said
    assert run_git(repo, "status", "--porcelain", "--untracked-files=all") == f"?? {MEETING}\n"  # not staged


def test_a_failing_hook_puts_a_closed_action_back_and_the_retry_closes_it(
    runner: CliRunner, with_meeting: Path, gate: Path
) -> None:
    before, head = (with_meeting / MEETING).read_bytes(), _head(with_meeting)
    gate.touch()
    failed = runner.invoke(cli.app, ["checkin", "demo", *CLOSE])
    assert_handled(failed)
    assert failed.exit_code == 1
    said = " ".join(failed.output.split())
    assert HOOK_SAYS in said
    assert f"put demo/{MEETING} back as it was" in said and "nothing is left" in said
    assert "closed action" not in said
    assert (with_meeting / MEETING).read_bytes() == before
    assert run_git(with_meeting, "status", "--porcelain") == ""
    assert _head(with_meeting) == head

    gate.unlink()
    replace_once(with_meeting / "roles.yaml", "Run the focus group", "Run two focus groups")  # not sap's
    retry = runner.invoke(cli.app, ["checkin", "demo", *CLOSE])
    assert retry.exit_code == 0, retry.output
    assert "closed action 2026-03-04-week-6-a1" in retry.output
    assert run_git(with_meeting, "log", "--format=%s", "-1").strip() == "Close 1 action"
    assert run_git(with_meeting, "show", "--name-only", "--format=", "HEAD").split() == [MEETING]
    assert "done: 2026-03-09" in run_git(with_meeting, "show", f"HEAD:{MEETING}")
    assert run_git(with_meeting, "status", "--porcelain") == " M roles.yaml\n"  # an edit sap left alone


def test_a_failing_hook_after_the_editor_keeps_the_text_in_the_draft(
    runner: CliRunner, repo: Path, gate: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "# my own words" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    gate.touch()
    failed = runner.invoke(cli.app, ["checkin", "demo", "--edit", "--commit", *WEEK_6])
    assert_handled(failed)
    assert failed.exit_code == 1
    draft = repo / (MEETING + ".draft")
    assert draft.read_text(encoding="utf-8").endswith("# my own words\n")
    assert not (repo / MEETING).exists()
    assert f"{MEETING}.draft" in " ".join(failed.output.split())
    assert run_git(repo, "status", "--porcelain", "--untracked-files=all") == f"?? {MEETING}.draft\n"


# -- --done --commit commits sap's change only ----------------------------------------------------


def _edit_by_hand(folder: Path) -> bytes:
    path = folder / MEETING
    path.write_text(path.read_text(encoding="utf-8") + "notes: half-written thoughts\n", encoding="utf-8")
    return path.read_bytes()


@pytest.mark.parametrize("state", ["edited", "staged", "staged then undone", "never committed"])
def test_done_commit_refuses_a_meeting_file_with_the_users_own_uncommitted_edit(
    runner: CliRunner, with_meeting: Path, state: str
) -> None:
    repo = with_meeting
    if state == "never committed":
        run_git(repo, "rm", "-q", "--cached", MEETING)
        run_git(repo, "commit", "-qm", "forget it")
        mine = (repo / MEETING).read_bytes()
    else:
        committed = (repo / MEETING).read_bytes()
        mine = _edit_by_hand(repo)
        if state != "edited":
            run_git(repo, "add", MEETING)
        if state == "staged then undone":  # the file is as committed; the index holds the edit
            (repo / MEETING).write_bytes(committed)
            mine = committed
    head, status = _head(repo), run_git(repo, "status", "--porcelain")
    result = runner.invoke(cli.app, ["checkin", "demo", *CLOSE])
    assert_handled(result)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert MEETING in said and "not committed" in said
    assert "nothing was changed" in said
    assert "leave out --commit" in said
    assert (repo / MEETING).read_bytes() == mine  # the action is still open; the edit is untouched
    assert _head(repo) == head and run_git(repo, "status", "--porcelain") == status
    assert "half-written" not in run_git(repo, "log", "-p", "--all")


# -- init --git with a failing hook: no half-made folder ------------------------------------------


def test_init_git_with_a_failing_hook_leaves_no_folder_and_the_retry_works(
    runner: CliRunner, tmp_path: Path, gate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    gate.touch()
    argv = ["init", "new/demo", "--no-input", "--title", "Week 6 pilot", "--git"]
    failed = runner.invoke(cli.app, argv)
    assert_handled(failed)
    assert failed.exit_code == 1
    said = " ".join(failed.output.split())
    assert HOOK_SAYS in said and "nothing is left" in said
    assert not (tmp_path / "new").exists()  # nor the repository git made in it

    gate.unlink()
    retry = runner.invoke(cli.app, argv)
    assert retry.exit_code == 0, retry.output
    assert "Made the first git commit." in retry.output
    assert run_git(tmp_path / "new/demo", "status", "--porcelain") == ""


def test_init_git_into_a_folder_of_the_users_own_leaves_it_byte_for_byte(
    runner: CliRunner, tmp_path: Path, gate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "mine"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes/plan.txt").write_bytes(b"my plan\r\n")
    (folder / ".gitignore").write_bytes(b"*.docx")
    before = _listing(folder)
    gate.touch()
    failed = runner.invoke(cli.app, ["init", "mine", "--no-input", "--title", "Mine", "--git"])
    assert_handled(failed)
    assert failed.exit_code == 1
    assert "put mine/.gitignore back as it was" in " ".join(failed.output.split())
    assert _listing(folder) == before
    assert not (folder / ".git").exists()


def test_init_git_inside_a_repository_with_a_failing_hook_unstages_and_removes_its_files(
    runner: CliRunner, repo: Path, gate: Path
) -> None:
    _a_repository_but_no_partnership(repo)
    head = _head(repo)
    gate.touch()
    failed = runner.invoke(cli.app, ["init", "demo/second", "--no-input", "--title", "Second", "--git"])
    assert_handled(failed)
    assert failed.exit_code == 1
    assert not (repo / "second").exists()
    assert run_git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert _head(repo) == head
    gate.unlink()
    retry = runner.invoke(cli.app, ["init", "demo/second", "--no-input", "--title", "Second", "--git"])
    assert retry.exit_code == 0, retry.output
    assert run_git(repo, "log", "--format=%s", "-1").strip() == "Start the partnership: Second"
