"""`create_partnership` and the commented YAML it writes: valid, explained, never overwriting."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import FIXED_TODAY
from sap_cli.errors import GitFailed, ProjectExists, SapError, UnknownTemplate
from sap_cli.files.yaml_text import scalar
from sap_cli.ids import slugify
from sap_cli.partnership.layout import PARTNERSHIP_FILES
from sap_cli.scaffold import InitRequest, create_partnership, list_templates
from sap_cli.validation.check import check_folder

TEMPLATE_NAMES = [info.name for info in list_templates()]


def request(folder: Path, template: str = "course-redesign", **extra: object) -> InitRequest:
    return InitRequest(
        folder=folder,
        title="Co-designing BIOL 201",
        template=template,
        students=["Amira Haddad"],
        faculty=["Dr Lee Chen"],
        **extra,  # type: ignore[arg-type]
    )


def test_there_are_a_blank_and_at_least_five_real_templates() -> None:
    assert TEMPLATE_NAMES[0] == "blank"
    assert len(TEMPLATE_NAMES) >= 6


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_each_template_makes_a_folder_with_no_errors(tmp_path: Path, template: str) -> None:
    created = create_partnership(request(tmp_path / "p", template), today=FIXED_TODAY)
    report = check_folder(created.folder)
    assert report.errors == []
    if template != "blank":
        # A real kind of partnership passes the power-transfer test and has goals and a matrix.
        codes = {p.code for p in report.warnings}
        assert "no-stage-above-consult" not in codes
        assert "staff-hold-all-control" not in codes
        assert report.partnership is not None
        assert report.partnership.goals.goals
        assert report.partnership.timeline.milestones


def test_partners_get_readable_ids_and_own_the_goals(tmp_path: Path) -> None:
    created = create_partnership(request(tmp_path / "demo"), today=FIXED_TODAY)
    partnership = check_folder(created.folder).partnership
    assert partnership is not None
    assert [(p.id, p.kind) for p in partnership.roles.partners] == [
        ("amira-haddad", "student"),
        ("lee-chen", "faculty"),
    ]
    owners = {owner for goal in partnership.goals.goals for owner in goal.owners}
    assert owners == {"amira-haddad", "lee-chen"}
    assert partnership.project.start == FIXED_TODAY
    assert partnership.project.end == FIXED_TODAY + dt.timedelta(weeks=16)


def test_written_yaml_explains_each_field_from_the_schema(tmp_path: Path) -> None:
    created = create_partnership(request(tmp_path / "demo"), today=FIXED_TODAY)
    project = (created.folder / "project.yaml").read_text(encoding="utf-8")
    assert "# A short name for the partnership.\ntitle: Co-designing BIOL 201\n" in project
    assert "(Healey, Flint & Harrington\n# 2014)" in project or "Healey, Flint & Harrington 2014" in project
    roles = (created.folder / "roles.yaml").read_text(encoding="utf-8")
    assert "  # A short id used everywhere else" in roles
    assert "kind: student" in roles


def test_gitignore_keeps_private_reflections_out(tmp_path: Path) -> None:
    created = create_partnership(request(tmp_path / "demo"), today=FIXED_TODAY)
    assert "private/" in (created.folder / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_gitignore_keeps_exported_pages_out(tmp_path: Path) -> None:
    created = create_partnership(request(tmp_path / "demo"), today=FIXED_TODAY)
    assert "export/" in (created.folder / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_existing_gitignore_is_extended_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / ".gitignore").write_text("# mine\n*.docx", encoding="utf-8")
    create_partnership(request(folder), today=FIXED_TODAY)
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "# mine\n*.docx\nprivate/\n"


def test_refuses_a_folder_that_holds_a_partnership_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "roles.yaml").write_text("# our own notes\npartners: []\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(ProjectExists) as raised:
        create_partnership(request(folder), today=FIXED_TODAY)
    assert raised.value.clashes == ["roles.yaml"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_unknown_template_suggests_the_nearest(tmp_path: Path) -> None:
    with pytest.raises(UnknownTemplate) as raised:
        create_partnership(request(tmp_path / "demo", "course-redesing"), today=FIXED_TODAY)
    assert "Did you mean 'course-redesign'?" in raised.value.message
    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Amira Haddad", "amira-haddad"),
        ("Dr Lee Chen", "lee-chen"),
        ("Prof. Zoë Ó Briain", "zoe-o-briain"),
        ("Dr", "dr"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        "Note: a colon",
        "ends with a colon:",
        "has # a hash",
        "#starts with hash",
        "yes",
        "No",
        "null",
        "2026-03-04",
        "2026-03-04 10:00:00",
        "2026-03-04-week-6",
        "12",
        "1.5e3",
        "0x1F",
        "1_000",
        ".5",
        "3 hours a week",
        "- dash first",
        "'quoted'",
        '"double"',
        "[brackets]",
        "{braces}",
        "&anchor",
        "*star",
        "!tag",
        "%percent",
        "@at",
        "`tick",
        "line one\nline two",
        "trailing space ",
        "£13.50 an hour",
        "Zoë's ünïcode ✓",
        "tab\tinside",
    ],
)
def test_scalar_reads_back_unchanged(text: str) -> None:
    assert YAML(typ="safe").load(f"key: {scalar(text)}\n") == {"key": text}


def git_env(tmp_path: Path, with_identity: bool) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = Test Partner\n\temail = partner@example.org\n" if with_identity else "",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    return env


def test_git_option_makes_a_repository_with_one_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in git_env(tmp_path, with_identity=True).items():
        monkeypatch.setenv(key, value)
    created = create_partnership(request(tmp_path / "demo", git=True), today=FIXED_TODAY)
    assert created.committed
    log = subprocess.run(
        ["git", "log", "--format=%s", "--name-only"], cwd=created.folder, capture_output=True, text=True
    ).stdout
    assert log.splitlines()[0] == "Start the partnership: Co-designing BIOL 201"
    assert set(PARTNERSHIP_FILES) | {".gitignore"} <= set(log.split())


def test_git_without_identity_fails_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = git_env(tmp_path, with_identity=False)
    monkeypatch.delenv("GIT_AUTHOR_NAME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("EMAIL", "")
    with pytest.raises(GitFailed) as raised:
        create_partnership(request(tmp_path / "demo", git=True), today=FIXED_TODAY)
    assert "git config --global user.name" in (raised.value.hint or "")
    assert not (tmp_path / "demo").exists()


def test_a_failure_part_way_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sap_cli.scaffold

    real_create = sap_cli.scaffold.create_exclusive
    written: list[Path] = []

    def create_then_fail(path: Path, text: str) -> None:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        real_create(path, text)
        written.append(path)

    monkeypatch.setattr(sap_cli.scaffold, "create_exclusive", create_then_fail)
    folder = tmp_path / "demo"
    folder.mkdir()
    with pytest.raises(SapError) as raised:
        create_partnership(request(folder), today=FIXED_TODAY)
    assert "No space left on device; nothing was changed" in raised.value.message
    assert list(folder.iterdir()) == []


def test_names_in_any_script_get_an_id(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    create_partnership(
        InitRequest(folder=folder, title="T", students=["李明", "Σοφία Π."], faculty=["Dr Lee Chen"]),
        today=FIXED_TODAY,
    )
    partnership = check_folder(folder).partnership
    assert partnership is not None
    assert [p.id for p in partnership.roles.partners] == ["li-ming", "sofia-p", "lee-chen"]
    assert partnership.roles.partners[0].name == "李明"


def test_new_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        created = create_partnership(request(tmp_path / "demo"), today=FIXED_TODAY)
    finally:
        os.umask(old)
    assert {oct(path.stat().st_mode & 0o777) for path in created.files} == {oct(0o644)}


def test_target_inside_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(SapError) as raised:
        create_partnership(request(tmp_path / "afile" / "sub"), today=FIXED_TODAY)
    assert "is a file, not a folder" in raised.value.message


def test_gitignore_that_is_a_folder_stops_init_before_writing(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    (folder / ".gitignore").mkdir(parents=True)
    with pytest.raises(SapError):
        create_partnership(request(folder), today=FIXED_TODAY)
    assert [p.name for p in folder.iterdir()] == [".gitignore"]


def test_existing_gitignore_keeps_its_bytes_and_line_endings(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / ".gitignore").write_bytes(b"# caf\xe9\r\n*.docx\r\n")
    create_partnership(request(folder), today=FIXED_TODAY)
    assert (folder / ".gitignore").read_bytes() == b"# caf\xe9\r\n*.docx\r\nprivate/\r\n"


def test_blank_template_examples_work_when_uncommented(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    create_partnership(InitRequest(folder=folder, title="T"), today=FIXED_TODAY)
    for name in ("roles.yaml", "matrix.yaml"):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("  # - ", "  - ").replace("  #   ", "    "), encoding="utf-8")
    report = check_folder(folder)
    assert report.errors == []
    assert report.partnership is not None
    assert report.partnership.roles.partners[0].id == "amira-haddad"
    assert report.partnership.matrix.stages[0].involvements[0].who == "Focus group (n=6)"
