"""Damaged data files of sim/data/ (issue 13): missing, truncated, binary, a missing column or a
word where a number belongs are refused before any work, naming the file (and the row and column)."""

from __future__ import annotations

import shutil

import pytest

import sim.datafiles
from sim.config import to_config
from sim.datafiles import DATA_DIR, check_data_files
from sim.errors import ConfigError


def _truncate(p):
    b = p.read_bytes()
    p.write_bytes(b[: len(b) // 2 + 7])


def _binary(p):
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + p.read_bytes()[:50])


def _word(p):
    lines = p.read_text().splitlines()
    lines[1] = lines[1].replace("0.", "zero.", 1)
    p.write_text("\n".join(lines) + "\n")


def _column(p):
    lines = p.read_text().splitlines()
    lines[0] = lines[0].replace("share", "shair")
    p.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "name, damage, words",
    [
        ("industries.csv", lambda p: p.unlink(), "is missing"),
        ("io_coefficients.csv", _truncate, "row"),
        ("districts.csv", _binary, "binary"),
        ("district_industry_shares.csv", _word, "column 'share'"),
        ("district_industry_shares.csv", _column, "lacks column(s) share"),
        ("subfields.csv", lambda p: p.write_text(""), "is empty"),
        ("institutes.csv", lambda p: p.write_text(p.read_text().splitlines()[0] + "\n"), "no rows"),
    ],
)
def test_a_damaged_data_file_is_refused_naming_it(tmp_path, monkeypatch, name, damage, words):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    damage(data / name)
    monkeypatch.setattr(sim.datafiles, "DATA_DIR", data)
    with pytest.raises(ConfigError) as e:
        check_data_files()
    assert f"sim/data/{name}" in str(e.value) and words in str(e.value), str(e.value)
    with pytest.raises(ConfigError, match=name.replace(".", r"\.")):
        to_config(None)  # the path of every run: refused before any work


def test_the_shipped_data_files_pass():
    check_data_files()
