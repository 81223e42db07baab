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


# --- live AWS: a real moto server over HTTP, with the test-only layer (tests/aws_layer.py) --------


@pytest.fixture(scope="session")
def moto_server():
    from aws_layer import LayeredMotoServer

    server = LayeredMotoServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def aws(moto_server, monkeypatch):
    """A fresh moto account reached as a user reaches AWS: credentials in the environment and
    AWS_ENDPOINT_URL, which boto3 honours. Yields the server (``.layer``, ``.url``)."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_server.url}/moto-api/reset",
                                                  method="POST")).read()
    from aws_layer import State

    moto_server.layer.state = State()
    moto_server.layer.faults.clear()
    moto_server.layer.requests.clear()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTINGKEY000001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-access-key-do-not-print")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/cachelint-test-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cachelint-test-credentials")
    yield moto_server


@pytest.fixture(scope="session")
def plain_moto_server():
    """moto's own server, no layer in front: what a new user points cachelint at. It shares
    moto's backends with :func:`moto_server` (one process), so an account seeded through the
    layer is the same account read here."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    server.url = f"http://{host}:{port}"
    yield server
    server.stop()
