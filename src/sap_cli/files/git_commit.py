"""Commit sap's own files, and take back what sap wrote when git refuses the commit."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sap_cli.errors import GitFailed
from sap_cli.files.atomic import atomic_write
from sap_cli.files.git import _git, _read_setting, _run, inside_work_tree
from sap_cli.words import display_path


def commit_paths(folder: Path, paths: Sequence[Path], message: str) -> None:
    """Stage and commit exactly `paths`; anything else staged or changed is left alone."""
    names = [str(p.resolve().relative_to(folder.resolve())) for p in paths]
    for args, action in (
        (["add", "--", *names], "stage the files"),
        (["commit", "--quiet", "-m", message, "--", *names], "commit the files"),
    ):
        result = _git(args, folder)
        if result.returncode != 0:
            raise GitFailed(action, result.stderr or result.stdout)


@dataclass
class Written:
    """What one sap run wrote, to be committed; if git refuses the commit, sap takes it back."""

    created: list[Path] = field(default_factory=list)  # files that were not there before
    replaced: dict[Path, tuple[bytes, bytes]] = field(default_factory=dict)  # bytes before, sap's bytes
    folders: list[Path] = field(default_factory=list)  # folders sap made, outermost first
    kept: Path | None = None  # the user's own text (a draft), left in place whatever happens

    @property
    def paths(self) -> list[Path]:
        return [*self.created, *self.replaced]


def commit_written(
    folder: Path, written: Written, message: str, option: str, repository: Path | None = None
) -> None:
    """Commit what sap wrote; if git refuses, unstage it, remove or restore it, and say what is left.

    A failed commit then leaves the folder and git's staging area as they were before the command,
    so running the same command again (once the hook passes) does the same thing, not a second copy.
    `repository` is a .git that sap itself made for this commit; it goes too.
    """
    top = Path(_read_setting(["rev-parse", "--show-toplevel"], folder).stdout.strip() or folder)
    names = [str(p.resolve().relative_to(top.resolve())) for p in written.paths]
    staged = _run(["ls-files", "--stage", "-z", "--", *names], top, text=False).stdout
    try:
        commit_paths(folder, written.paths, message)
    except GitFailed as failed:
        left = _take_back(written, top, names, staged, repository)
        again = " (sap reopens your draft)" if written.kept else ""
        raise GitFailed(
            failed.action,
            failed.output,
            hint="Fix what stopped the commit (the words after the colon are git's, or your hook's), "
            f"then run the same command again{again}; or leave out {option}.",
            then=left,
        ) from None


def _take_back(written: Written, top: Path, names: list[str], staged: bytes, repository: Path | None) -> str:
    """Undo what `written` wrote, as far as it can; a sentence saying what was done and what is left."""
    left: list[str] = []
    if repository is not None:
        shutil.rmtree(repository, ignore_errors=True)
        if repository.exists():
            left.append(f"the git repository it had started ({display_path(repository)})")
    elif names and not _unstage(top, names, staged):
        left.append(f"the staged copies in git (`git reset -- {' '.join(names)}` unstages them)")
    restored = _restore(written.replaced, left)
    files, folders = _remove(written.created, written.folders, left)
    removed = files
    if len(files) > 3:
        removed = [f"the {len(files)} files it had made ({', '.join(files[:3])} and {len(files) - 3} more)"]
    if repository is not None and not repository.exists():
        removed.append("the git repository it had started")
    if folders:
        removed.append(f"the folder{'s' if len(folders) > 1 else ''} it had made ({_and(folders)})")
    done = ([f"removed {_and(removed)}"] if removed else []) + restored
    said = f"sap {_and(done)}" if done else "sap had nothing to take back"
    kept = f"; your text is kept in {display_path(written.kept)}" if written.kept else ""
    if left:
        return f"{said}, but could not take back everything; still there: {'; '.join(left)}{kept}."
    return f"{said}, so nothing is left of this run and nothing is staged{kept}."


def _restore(replaced: dict[Path, tuple[bytes, bytes]], left: list[str]) -> list[str]:
    """Put back the bytes each file had before sap changed it, unless it changed again since."""
    restored = []
    for path, (before, after) in replaced.items():
        try:
            if path.read_bytes() != after:
                left.append(f"{display_path(path)}, changed again since sap wrote it, so kept as it is now")
                continue
            if before != after:
                atomic_write(path, before)
            restored.append(f"put {display_path(path)} back as it was")
        except OSError as exc:
            left.append(f"{display_path(path)} with sap's change ({exc.strerror})")
    return restored


def _remove(created: list[Path], made: list[Path], left: list[str]) -> tuple[list[str], list[str]]:
    """Remove the files sap made, then the folders it made (innermost first) if they are empty."""
    files: list[str] = []
    for path in created:
        try:
            path.unlink()
            files.append(display_path(path))
        except FileNotFoundError:
            pass
        except OSError as exc:
            left.append(f"{display_path(path)} ({exc.strerror})")
    folders: list[str] = []
    for folder in reversed(made):
        try:
            folder.rmdir()
            folders.insert(0, display_path(folder))
        except OSError:
            left.append(f"the folder {display_path(folder)}, which is not empty")
    return files, folders


def _unstage(top: Path, names: list[str], staged: bytes) -> bool:
    """Put git's staging area back for `names` as `git ls-files --stage -z` showed it; True if it worked."""
    entries = [entry for entry in staged.split(b"\0") if entry]
    had = {entry.partition(b"\t")[2].decode("utf-8", "surrogateescape") for entry in entries}
    new = [name for name in names if name not in had]  # not staged before: out of the index again
    back = _run(["update-index", "-z", "--index-info"], top, given=b"".join(e + b"\0" for e in entries))
    out = _run(["update-index", "--force-remove", "--", *new], top) if new else back
    return back.returncode == 0 and out.returncode == 0


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def commit_new(folder: Path, written: Written, message: str) -> None:
    """Commit what `init --git` wrote, first creating a repository in `folder` if it is not in one.

    If the commit fails, everything init made goes, the repository included, so `init` can run again.
    """
    repository = None
    if not inside_work_tree(folder):
        repository = None if (folder / ".git").exists() else folder / ".git"
        result = _git(["init", "--quiet"], folder)
        if result.returncode != 0:
            raise GitFailed("create a repository", result.stderr)
    commit_written(folder, written, message, "--git", repository=repository)
