from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cachelint.config import Config
from cachelint.loaders.terraform import load_terraform
from cachelint.scan import ScanOptions, run_scan


@pytest.fixture
def tf(tmp_path: Path):
    """Write files ({relative path: HCL text}) into a fresh folder and return its path."""

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return tmp_path

    return write


@pytest.fixture
def scan():
    def run(path: Path, **kwargs):
        return run_scan(ScanOptions(paths=(str(path),), config=kwargs.pop("config", Config()),
                                    **kwargs))
    return run


@pytest.fixture
def inventory():
    def load(path: Path, **kwargs):
        kwargs.setdefault("jobs", 1)
        return load_terraform([str(path)], display_base=str(path), **kwargs)
    return load
