"""Ids from names in any script: letters are transliterated, never dropped; Latin ids stay as they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXED_TODAY
from sap_cli.ids import slugify
from sap_cli.scaffold import InitRequest, create_partnership
from sap_cli.validation.check import check_folder

NAMES = [
    ("Søren Kierkegaard", "soren-kierkegaard"),
    ("Straße", "strasse"),
    ("Işıl Yılmaz", "isil-yilmaz"),  # noqa: RUF001 (the dotless i is the point)
    ("Æsa Đorđević", "aesa-dordevic"),
    ("Łukasz Żółć", "lukasz-zolc"),
    ("Þóra Ørsted", "thora-orsted"),
    ("王芳", "wang-fang"),
    ("김민준", "gim-min-jun"),
    ("Анна Петрова", "anna-petrova"),
    ("Νίκος Παπαδόπουλος", "nikos-papadopoulos"),
    ("محمد علي", "mhmd-ly"),
    ("Đỗ Thị Hà", "do-thi-ha"),
]


@pytest.mark.parametrize(("name", "slug"), NAMES)
def test_letters_of_any_script_make_the_id(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_one_list_across_scripts_keeps_the_latin_ids_it_always_gave() -> None:
    """Latin names keep the ids sap gave before (existing folders keep theirs); the others gain theirs."""
    latin = {
        "Zoë Saldaña": "zoe-saldana",
        "Nguyễn Thị Minh Khai": "nguyen-thi-minh-khai",
        "Ngāti Porou": "ngati-porou",
        "O'Brien-Smith": "o-brien-smith",
        "McDonald": "mcdonald",
        "Ana 😀": "ana",
    }
    wanted = {**latin, **dict(NAMES)}
    assert {name: slugify(name) for name in wanted} == wanted


def test_init_gives_names_in_other_scripts_ids_made_from_them(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    names = ["王芳", "김민준", "Анна Петрова", "محمد علي"]
    create_partnership(InitRequest(folder=folder, title="T", students=names), today=FIXED_TODAY)
    partnership = check_folder(folder).partnership
    assert partnership is not None
    ids = [p.id for p in partnership.roles.partners]
    assert ids == ["wang-fang", "gim-min-jun", "anna-petrova", "mhmd-ly"]


@pytest.mark.slow
def test_the_transliteration_table_loads_only_when_a_name_needs_it() -> None:
    code = (
        "import sys; from sap_cli.ids import slugify; slugify('Amira Haddad'); "
        "print('anyascii' in sys.modules); slugify('王芳'); print('anyascii' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["False", "True"]
