"""The embedded PostgreSQL used when DATABASE_URL is not set.

A fresh clone needs no database install: the first process that needs the database
starts a private PostgreSQL server (from the `pgserver` wheel) in a git-ignored folder,
and later processes reuse it. `dev.py` stops it when a run or a test session ends.
"""

import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "postgres"


def embedded_database_url(data_dir: Path = DATA_DIR) -> str:
    # Imported here so that deployments with DATABASE_URL never load pgserver.
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, cron); its fallback is fine.
        warnings.simplefilter("ignore")
        import pgserver

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None keeps the server up between commands (manage.py, the worker, the
    # test runner); dev.py stops it explicitly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(data_dir, cleanup_mode=None)
    return server.get_uri()


def stop_embedded_database(data_dir: Path = DATA_DIR) -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    import os
    import signal

    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        # SIGINT is PostgreSQL's "fast shutdown": ends sessions, writes a checkpoint.
        os.kill(pid, signal.SIGINT)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    return True
