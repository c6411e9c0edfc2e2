#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python 3.11+ installed.

    python3 dev.py run    # set up, then serve http://127.0.0.1:8000 with a task worker
    python3 dev.py test   # set up, then lint and run the whole test suite

Both create .venv and install the pinned requirements when they changed. Without
DATABASE_URL they use the embedded PostgreSQL in .data/postgres and stop it on the way
out if they started it.
"""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
PG_DATA = ROOT / ".data" / "postgres"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def ensure_venv(requirements: str) -> None:
    if not PYTHON.exists():
        say("creating .venv")
        venv.create(VENV, with_pip=True)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()[:16]
    stamp = VENV / f".installed-{requirements}-{digest}"
    if stamp.exists():
        return
    say(f"installing {requirements}")
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / requirements],
        check=True,
    )
    for old in VENV.glob(f".installed-{requirements}-*"):
        old.unlink()
    stamp.touch()


def manage(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, ROOT / "manage.py", *args], check=True, cwd=ROOT, **kwargs)


def embedded_postgres_running() -> bool:
    return (PG_DATA / "postmaster.pid").exists()


def stop_embedded_postgres() -> None:
    subprocess.run(
        [PYTHON, "-c", "from mandrakeonline.embedded_db import stop_embedded_database; stop_embedded_database()"],
        cwd=ROOT,
        check=False,
    )


class EmbeddedPostgres:
    """Stops the embedded server at the end if this command is the one that started it."""

    def __enter__(self):
        self.ours = not os.environ.get("DATABASE_URL") and not embedded_postgres_running()
        return self

    def __exit__(self, *exc):
        if self.ours and embedded_postgres_running():
            say("stopping the embedded PostgreSQL")
            stop_embedded_postgres()


def run() -> int:
    ensure_venv("requirements.txt")
    with EmbeddedPostgres():
        manage("migrate", "--no-input", "-v", "0")
        logins = manage("seed_demo", capture_output=True, text=True).stdout
        manage("apply_retention", "--schedule")
        say("starting the site on http://127.0.0.1:8000 and a task worker (Ctrl-C stops both)")
        # Each child leads its own process group, so that stopping it also stops what it
        # started (runserver's auto-reloader runs the server in a grandchild).
        processes = [
            subprocess.Popen([PYTHON, ROOT / "manage.py", *args], cwd=ROOT, start_new_session=True)
            for args in (["runserver", "127.0.0.1:8000"], ["db_worker"])
        ]
        print(logins, flush=True)
        try:
            while all(process.poll() is None for process in processes):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    processes[0].wait(timeout=1)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
    return 0


def test(pytest_args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    say("ruff")
    subprocess.run([PYTHON, "-m", "ruff", "check", "."], cwd=ROOT, check=True)
    subprocess.run([PYTHON, "-m", "ruff", "format", "--check", "."], cwd=ROOT, check=True)
    with EmbeddedPostgres():
        say("migrations match the models")
        manage("makemigrations", "--check", "--dry-run", "-v", "0")
        say("pytest")
        return subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    # A process manager's SIGTERM stops everything as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    if sys.version_info < (3, 11):
        sys.exit("mandrakeonline needs Python 3.11 or newer.")
    command = argv[1] if len(argv) > 1 else ""
    if command == "run":
        return run()
    if command == "test":
        return test(argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
