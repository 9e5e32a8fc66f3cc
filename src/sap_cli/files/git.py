"""Run git for sap safely: identity and branch checks, history of a partnership's files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sap_cli.errors import GitFailed, SapError
from sap_cli.files.atomic import refuse_unsafe
from sap_cli.files.paths import write_inside
from sap_cli.words import display_path

GITIGNORE_LINE = "private/"


_IDENTITY_HINT = (
    'Tell git who you are, once per computer: git config --global user.name "Your Name" '
    'and git config --global user.email "you@example.org"'
)


# Settings with which git starts a program: a monitor, a pager, a hook, a signature checker, a diff
# or filter driver... A folder from someone else can arrive with its own .git/config setting them.
_RUNS_A_PROGRAM = re.compile(
    r"core\.(fsmonitor|hookspath|pager|editor|sshcommand|askpass|gitproxy|alternaterefscommand)"
    r"|pager\..+|sequence\.editor|(log|diff)\.showsignature|(commit|tag|push)\.gpgsign"
    r"|gpg(\..+)?\.program|gpg\.ssh\.defaultkeycommand|diff\.external|diff\..+\.(command|textconv)"
    r"|merge\..+\.driver|filter\..+\.(clean|smudge|process)|credential(\..+)?\.helper"
    r"|trailer\..+\.(command|cmd)|uploadpack\.packobjectshook|remote\..+\.(uploadpack|receivepack|vcs)",
    re.IGNORECASE,
)
# Those sap always sets, whatever the repository says: the user's own value, or this harmless one.
_ALWAYS = {
    "core.fsmonitor": "false",
    "log.showsignature": "false",
    "commit.gpgsign": "false",
    "tag.gpgsign": "false",
    "gpg.program": "gpg",
    "gpg.openpgp.program": "gpg",
    "gpg.x509.program": "gpgsm",
    "gpg.ssh.program": "ssh-keygen",
    "gpg.ssh.defaultkeycommand": "",
}
# The user's own settings (the computer's, their home folder's, their command line's); not the repository's.
_TRUSTED_SCOPES = {b"system", b"global", b"command"}


def _own_settings(cwd: Path) -> list[str]:
    """`-c key=value` options that put the user's own settings over every program-starting one of the repo's.

    Hooks run only if the user's own git setup names them (`core.hooksPath` in their global or system
    config): sap commits its own files, and a repository's hooks are the repository author's programs.
    """
    listed = subprocess.run(
        ["git", "config", "--list", "--show-scope", "-z"], cwd=cwd, capture_output=True, check=False
    )
    fields = listed.stdout.split(b"\0") if listed.returncode == 0 else []
    trusted: dict[str, str] = {}
    theirs: list[str] = []
    for scope, entry in zip(fields[::2], fields[1::2], strict=False):
        key, _, value = entry.decode("utf-8", errors="surrogateescape").partition("\n")
        if scope in _TRUSTED_SCOPES:
            trusted[key.lower()] = value
        elif _RUNS_A_PROGRAM.fullmatch(key) and key.lower() not in _ALWAYS:
            if "=" in key or not key.isprintable():
                raise GitFailed(
                    "run safely here",
                    f"this repository's own settings (.git/config) name a program for git to run, "
                    f"under a name sap cannot switch off ({key!r}); sap ran no git command and changed "
                    "nothing in git",
                    hint="If you trust where the folder came from, look with `git config --local --list` "
                    "and remove that setting with `git config --unset`; otherwise copy the partnership "
                    "files into a repository of your own.",
                )
            theirs.append(key)
    settings = {key: trusted.get(key, harmless) for key, harmless in _ALWAYS.items()}
    settings.update({key: trusted.get(key.lower(), "") for key in theirs})
    settings["core.hookspath"] = trusted.get("core.hookspath", os.devnull)
    return [option for key, value in settings.items() for option in ("-c", f"{key}={value}")]


def _run(
    args: Sequence[str], cwd: Path, text: bool = True, given: bytes | None = None
) -> subprocess.CompletedProcess[Any]:
    """git `args` in `cwd`, never starting a program the repository's own config names (see _own_settings)."""
    if shutil.which("git") is None:
        raise GitFailed("run", "git is not installed", hint="Install git, or leave out --git.")
    command = ["git", "--no-pager", *_own_settings(cwd), *args]
    if given is not None:
        return subprocess.run(command, cwd=cwd, capture_output=True, input=given, check=False)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=text, check=False)


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return _run(args, cwd)


def _read_setting(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`git config` or `git rev-parse`, which read settings and start no program."""
    if shutil.which("git") is None:
        raise GitFailed("run", "git is not installed", hint="Install git, or leave out --git.")
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def _nearest_existing(folder: Path) -> Path:
    folder = folder.resolve()
    while not folder.exists():
        folder = folder.parent
    return folder


def require_identity(folder: Path) -> None:
    """Fail before anything is written if git could not make a commit here."""
    where = _nearest_existing(folder)
    for key in ("user.name", "user.email"):
        if _read_setting(["config", key], where).returncode != 0:
            raise GitFailed("commit", f"no {key} is set", hint=_IDENTITY_HINT)


def inside_work_tree(folder: Path) -> bool:
    result = _read_setting(["rev-parse", "--is-inside-work-tree"], _nearest_existing(folder))
    return result.returncode == 0 and result.stdout.strip() == "true"


def require_branch(folder: Path, option: str) -> None:
    """Fail before anything is written if a commit in `folder`'s repository would be on no branch.

    On a detached HEAD git commits happily, but the commit belongs to no branch: after the next
    `git checkout main` it is out of sight, and git may later throw it away.
    """
    if _read_setting(["symbolic-ref", "--quiet", "HEAD"], _nearest_existing(folder)).returncode != 0:
        raise GitFailed(
            "commit on a branch",
            'this repository has no branch checked out (a "detached HEAD"), so the commit would be on '
            "no branch and seem to vanish after, say, `git checkout main`; nothing was written",
            hint="Go back to your branch first with `git switch <branch>` (`git branch` lists them), "
            f"then run the command again; or leave out {option}.",
        )


def require_repository(folder: Path) -> None:
    """Fail before anything is written if `folder` is not inside a git repository on a branch."""
    if not inside_work_tree(folder):
        raise GitFailed(
            "commit",
            f"{display_path(folder)} is not in a git repository",
            hint="Leave out --commit, or start a repository there with `git init`.",
        )
    require_branch(folder, "--commit")
    require_identity(folder)


def require_can_start(folder: Path) -> None:
    """Before `init --git` writes: git knows who you are, and a repository around `folder` is on a branch."""
    require_identity(folder)
    if inside_work_tree(folder):
        require_branch(folder, "--git")


def _not_committed(folder: Path, name: str) -> str | None:
    """How the file `name` differs from its last commit (edited, staged, new to git); None if it does not."""
    result = _git(
        ["--no-optional-locks", "status", "--porcelain=v1", "--ignored=matching", "--untracked-files=all",
         "--", name],
        folder,
    )  # fmt: skip
    if result.returncode != 0:
        raise GitFailed("look at the files to commit", result.stderr)
    code = result.stdout[:2]
    if not code:
        return None
    if code in ("??", "!!"):
        return (
            "git has never had it" if code == "??" else "git has never had it, and .gitignore leaves it out"
        )
    if code[1] != " ":
        return "it was edited since its last commit"
    return "an edit of it is staged but not committed"


def require_committed(folder: Path, paths: Sequence[Path], option: str = "--commit") -> None:
    """Fail before sap edits `paths` for a commit if one holds changes of the user's not yet committed.

    `git commit -- FILE` commits the whole file, so sap's one-line change would carry the user's
    unfinished edit into git with it.
    """
    for path in paths:
        how = _not_committed(folder, str(path.resolve().relative_to(folder.resolve())))
        if how is not None:
            shown = display_path(path)
            raise SapError(
                f"{shown} has changes that are not committed yet ({how}); with {option} they would be "
                "committed along with sap's own change, so sap stopped and nothing was changed.",
                hint=f"Commit or undo your own change first (`git status {shown}` shows it), then run the "
                f"command again; or leave out {option}.",
            )


def gitignore_with_private(folder: Path) -> bytes | None:
    """The .gitignore to write, or None if the existing one already keeps private/ out of git.

    An existing file is extended byte for byte, whatever its encoding and line endings. A new one
    also keeps export/ out: the documents `sap export` makes are for handing out, not for diffing.
    """
    return _gitignore_with(
        folder,
        GITIGNORE_LINE,
        b"# Reflections a partner keeps to themself never go into git.\nprivate/\n" + EXPORT_IGNORE,
    )


EXPORT_IGNORE = b"# Documents `sap export` makes for handing out; remade from the files.\nexport/\n"


def keep_export_out_of_git(folder: Path) -> bool:
    """Make sure .gitignore lists export/; True if it wrote."""
    gitignore = _gitignore_with(folder, "export/", EXPORT_IGNORE)
    if gitignore is None:
        return False
    write_inside(folder, ".gitignore", gitignore)
    return True


def _gitignore_with(folder: Path, line: str, new_file: bytes) -> bytes | None:
    path = folder / ".gitignore"
    # A linked .gitignore would have sap add a line to whatever file it points at.
    refuse_unsafe(
        folder,
        [".gitignore"] if path.is_symlink() else [],
        f"Replace the link with a plain .gitignore file that lists {line}, then run the command again.",
    )
    if not path.exists():
        return new_file
    if not path.is_file():
        raise SapError(
            f"{display_path(path)} is not a file, so sap cannot add {line} to it; nothing was changed.",
            hint="Rename or remove it, then run the command again.",
        )
    current = path.read_bytes()
    present = {existing.strip() for existing in current.splitlines()}
    if {line.encode(), b"/" + line.encode()} & present:
        return None
    newline = b"\r\n" if b"\r\n" in current else b"\n"
    separator = b"" if not current or current.endswith(b"\n") else newline
    return current + separator + line.encode() + newline


def history(folder: Path, names: Sequence[str], before: str | None = None) -> list[tuple[str, str]]:
    """(commit, day) of the commits that changed any of `names` in `folder`, newest first; [] without git."""
    if shutil.which("git") is None or not inside_work_tree(folder):
        return []
    args = [
        "log",
        "--no-show-signature",
        "--no-ext-diff",
        "--no-textconv",
        "--format=%H %cs",
        *([f"--before={before}"] if before else []),
        "--",
        *names,
    ]
    result = _git(args, folder)
    if result.returncode != 0:
        return []  # no commits yet, or the files were never committed
    return [(line.split()[0], line.split()[1]) for line in result.stdout.splitlines() if line.strip()]


def file_at(folder: Path, commit: str, name: str) -> bytes | None:
    """The bytes of `name` (relative to `folder`) as it was at `commit`, or None if it did not exist.

    Bytes, not text: an old commit may hold a file that is not UTF-8, which the reader then names.
    """
    if shutil.which("git") is None:
        raise GitFailed("run", "git is not installed", hint="Install git to compare with earlier versions.")
    result = _run(["show", "--no-ext-diff", "--no-textconv", f"{commit}:./{name}"], folder, text=False)
    return result.stdout if result.returncode == 0 else None


def keep_private_out_of_git(folder: Path) -> bool:
    """Make sure .gitignore lists private/, even in a folder sap did not create; True if it wrote."""
    gitignore = gitignore_with_private(folder)
    if gitignore is None:
        return False
    write_inside(folder, ".gitignore", gitignore)
    return True
