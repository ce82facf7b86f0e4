"""Browser-test fixtures: the real app on a loopback port, driven by a real headless Chromium.

Each server runs `create_app()` under uvicorn in a background thread with its own SQLite
file and data folder, so tests never touch `./var`. The browser is launched once per
session; every test gets a fresh context (no shared storage, cookies or downloads).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from coder_assist.api.app import create_app
from coder_assist.settings import Settings

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIXTURE_NOTES = REPO / "data" / "fixtures" / "notes.jsonl"
# Used only when the shared fixture file is absent: a note with diagnoses, a procedure and
# negated findings, so every part of the review screen has something to show.
FALLBACK_NOTE = (
    "Chief Complaint: Follow-up of type 2 diabetes and hypertension.\n"
    "HPI: Denies chest pain or shortness of breath.\n"
    "Procedures: Hemoglobin A1c performed in office: 6.8%.\n"
    "Assessment and Plan:\n"
    "1. Type 2 diabetes mellitus without complications.\n"
    "2. Essential hypertension, controlled.\n"
)
SUGGEST_TIMEOUT_MS = 90_000


@dataclass
class LiveServer:
    """A running app: its base URL and the settings it was built with."""

    url: str
    settings: Settings

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(self.url + path, params=params, timeout=30)


def _fixture_note(note_id: str) -> str:
    """Text of one note of data/fixtures/notes.jsonl, or the built-in note without it."""
    if FIXTURE_NOTES.is_file():
        for line in FIXTURE_NOTES.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("id") == note_id:
                    return str(row["text"])
    return FALLBACK_NOTE


def _settings(tmp: Path, **overrides: Any) -> Settings:
    base = Settings()
    models_dir = base.models_dir if base.models_dir.is_absolute() else REPO / base.models_dir
    (tmp / "data").mkdir(parents=True, exist_ok=True)
    update: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp / 'feedback.db'}",
        "data_dir": tmp / "data",
        "models_dir": models_dir,
    }
    update.update(overrides)
    return base.model_copy(update=update)


def _serve(settings: Settings) -> Iterator[LiveServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start; see the log above")
        time.sleep(0.05)
    live = LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def _warm(live: LiveServer) -> None:
    """Load code sets and the suggester before the first timed browser step."""
    httpx.post(live.url + "/v1/suggest", json={"text": "Essential hypertension."}, timeout=300)


@pytest.fixture(scope="session")
def fixture_note() -> Callable[[str], str]:
    """Looks up a fixture note's text by id (see data/fixtures/notes.jsonl)."""
    return _fixture_note


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app as a coder would run it, with a throwaway feedback database."""
    tmp = tmp_path_factory.mktemp("ui-server")
    for live in _serve(_settings(tmp)):
        _warm(live)
        yield live


@pytest.fixture(scope="session")
def small_limit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose note limit (300 characters) is below the page's own check."""
    tmp = tmp_path_factory.mktemp("ui-small")
    for live in _serve(_settings(tmp, max_note_chars=300)):
        _warm(live)
        yield live


@pytest.fixture(scope="session")
def broken_db_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose feedback database cannot be created: its folder is a regular file."""
    tmp = tmp_path_factory.mktemp("ui-broken")
    blocker = tmp / "not-a-folder"
    blocker.write_text("a file where the database folder should be\n", encoding="utf-8")
    settings = _settings(tmp, database_url=f"sqlite:///{blocker / 'feedback.db'}")
    for live in _serve(settings):
        _warm(live)
        yield live


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; the tests skip when it cannot start."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing; install Chromium (make browser-deps)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dev dependency
        pytest.skip(f"playwright is not installed: {exc}")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    except PlaywrightError as exc:
        pw.stop()
        pytest.skip(f"{CHROMIUM} cannot launch: {str(exc).splitlines()[0]}")
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


@dataclass
class PageErrors:
    """Uncaught script errors of a page; a test fails if the page throws."""

    messages: list[str]


@pytest.fixture
def page_factory(browser: Any) -> Iterator[Any]:
    """Opens pages in fresh contexts (1280×800 unless asked otherwise) and checks for JS errors."""
    contexts: list[Any] = []
    errors = PageErrors(messages=[])

    def open_page(live: LiveServer, *, width: int = 1280, height: int = 800) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda exc: errors.messages.append(str(exc)))
        page.goto(live.url + "/")
        page.wait_for_selector("html[data-ready='true']")
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors.messages, f"uncaught errors in the page: {errors.messages}"
