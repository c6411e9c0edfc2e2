"""Fan-out of one post to a large list, into a local fake ESP: prints the figures.

    .venv/bin/python benchmarks/fanout.py                    # 100,000 subscribers
    .venv/bin/python benchmarks/fanout.py --million          # 1,000,000 (a few minutes)
    .venv/bin/python benchmarks/fanout.py --rate 5000        # with LIST_SEND_RATE=5000
    .venv/bin/python benchmarks/fanout.py --million --batch 1000 --workers 1 --json   # for benchmarks/run

For 1 and then 2 worker processes, it prints the time to write every recipient down
(enqueue), the messages per second sent, the peak memory of each worker, and how many
recipients got more than one copy (must be 0); --json prints each run's figures as a line of
JSON instead, with the calls made to the ESP and the CPU time spent. What to look for: the workers' memory stays
the same from 100,000 to 1,000,000 subscribers, and with --rate the throughput sits at the
rate, far below what the database allows without it.

It works in a database of its own on the configured server (DATABASE_URL, or the embedded
PostgreSQL), created afresh and dropped at the end. The fake ESP is anymail's test backend
minus its outbox (which would hold every message in memory): it answers "sent" for each
recipient and notes the delivery ids it was given, to count duplicates.
"""

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCHMARK_DATABASE = "mandrake_fanout_benchmark"
FAKE_ESP = "fanout.CountingESP"


def _database_url(name: str) -> tuple[str, str]:
    """The server's URL, and the same server's URL for the database `name`."""
    sys.path.insert(0, str(ROOT))
    base = os.environ.get("DATABASE_URL")
    if not base:
        from mandrakeonline.embedded_db import embedded_database_url

        base = embedded_database_url()
    parts = urlsplit(base)
    return base, urlunsplit(parts._replace(path=f"/{name}"))


def _environment(database_url: str, args) -> None:
    """Production-like settings (no query log), our fake ESP, batch sending with merge data."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mandrakeonline.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="benchmark-" + "x" * 50,
        ALLOWED_HOSTS="localhost",
        STORE_WEBHOOK_SECRET="benchmark-store-secret",  # noqa: S106 (a throwaway database's)
        EMAIL_BACKEND=FAKE_ESP,
        LIST_MERGE_FIELD_FORMAT="%recipient.{}%",
        LIST_SEND_RATE=str(args.rate),
        LIST_SEND_BATCH_SIZE=str(args.batch),
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(Path(__file__).resolve().parent))


def _setup_django() -> None:
    import django

    django.setup()


# --- The fake ESP (imported by the workers as fanout.CountingESP) -------------------------

try:
    from anymail.backends.test import EmailBackend as _TestBackend
    from anymail.message import AnymailRecipientStatus
except ImportError:  # run outside the project's virtualenv: main() says so
    _TestBackend = object


class CountingESP(_TestBackend):
    """Takes every message, keeps none: notes the delivery ids in the worker's log file."""

    def post_to_esp(self, payload, message):
        ids = [metadata["delivery"] for metadata in message.merge_metadata.values()]
        with Path(os.environ["FANOUT_LOG"]).open("a") as log:
            # One "call" line per call to the ESP, then the delivery ids it carried.
            log.write("call\n" + "\n".join(ids) + "\n")
        status = AnymailRecipientStatus(message_id=None, status="sent")
        return {"recipient_status": dict.fromkeys(payload.recipient_emails, status)}


# --- Loading subscribers -------------------------------------------------------------------

_CUSTOMERS = """
    INSERT INTO accounts_customer (
        password, is_superuser, customer_number, email, email_verified_at, pending_email, first_name, last_name,
        address_line1, address_line2, postal_code, city, region, country, language, is_staff, is_active, date_joined
    )
    SELECT '!', false, (100000000 + n)::text, 'subscriber' || n || '@example.net', now(), '', 'Sub', 'Scriber',
           '', '', '', '', '', '', CASE WHEN n %% 3 = 0 THEN 'fr' ELSE 'en' END, false, true, now()
    FROM generate_series(1, %(count)s) AS n
"""
_SUBSCRIPTIONS = """
    INSERT INTO mailinglists_subscription (customer_id, mailing_list_id, status, public_key, created_at,
                                           status_changed_at)
    SELECT id, %(list)s, 'active', substr(md5(id::text), 1, 22), now(), now() FROM accounts_customer
"""


def _load(count: int):
    from django.db import connection

    from mailinglists.models import MailingList

    announcements = MailingList.objects.create(slug="announcements", name_en="Announcements", name_fr="Annonces")
    with connection.cursor() as cursor:
        cursor.execute(_CUSTOMERS, {"count": count})
        cursor.execute(_SUBSCRIPTIONS, {"list": announcements.pk})
        cursor.execute("ANALYZE")
    return announcements


# --- One run ---------------------------------------------------------------------------------


def _worker(post_id: int, log_path: str, results) -> None:
    _setup_django()
    from mailinglists import delivery

    os.environ["FANOUT_LOG"] = log_path
    started = time.time()  # wall clock: compared across processes
    delivery.run_worker(post_id)
    results.put((started, time.time(), _peak_mib(), time.process_time()))


def _peak_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM, because ru_maxrss keeps the peak of
    the parent it was forked from (here, one that has just counted a million ids)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux, bytes on macOS


def _run(mailing_list, workers: int, count: int, folder: str) -> dict:
    from django.db import connection

    from mailinglists import delivery
    from mailinglists.models import Delivery, Post, SendPacer

    SendPacer.objects.all().delete()
    post = Post.objects.create(mailing_list=mailing_list, subject="Benchmark", text="Hello.", status="sending")
    started, enqueue_cpu = time.perf_counter(), time.process_time()
    delivery.write_recipients(post.pk)
    enqueue_seconds, enqueue_cpu = time.perf_counter() - started, time.process_time() - enqueue_cpu
    connection.close()  # not shared with the children

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    logs = [str(Path(folder) / f"post{post.pk}-worker{number}.log") for number in range(workers)]
    processes = [context.Process(target=_worker, args=(post.pk, log, results)) for log in logs]
    for process in processes:
        process.start()
    measured = [results.get() for _process in processes]
    for process in processes:
        process.join()
    # From the first worker's start to the last one's end, without the processes' start-up.
    send_seconds = max(end for _start, end, _peak, _cpu in measured) - min(start for start, *_rest in measured)

    copies: dict[str, int] = {}
    calls = 0
    for log in logs:
        for line in Path(log).read_text().split():
            if line == "call":
                calls += 1
            else:
                copies[line] = copies.get(line, 0) + 1
    post.refresh_from_db()
    return {
        "enqueue_seconds": enqueue_seconds,
        "send_seconds": send_seconds,
        "per_second": count / send_seconds,
        "peak_mib": [round(peak) for _start, _end, peak, _cpu in measured],
        "esp_calls": calls,
        # The Python side of the fan-out: writing the recipients down, then the workers.
        "cpu_seconds": enqueue_cpu + sum(cpu for *_rest, cpu in measured),
        "duplicates": sum(1 for seen in copies.values() if seen > 1),
        "recipients": len(copies),
        "sent": Delivery.objects.filter(post=post, status="sent").count(),
        "status": post.status,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="1,000,000 subscribers")
    parser.add_argument("--rate", type=int, default=0, help="LIST_SEND_RATE (0: no limit)")
    parser.add_argument("--batch", type=int, default=500, help="LIST_SEND_BATCH_SIZE")
    parser.add_argument("--workers", default="1,2", help="worker processes of each run (default 1,2)")
    parser.add_argument("--json", action="store_true", help="print each run's figures as a line of JSON")
    args = parser.parse_args()
    count = 1_000_000 if args.million else args.subscribers
    if _TestBackend is object:
        sys.exit("Run it with the project's virtualenv: .venv/bin/python benchmarks/fanout.py")

    import psycopg2

    server_url, database_url = _database_url(BENCHMARK_DATABASE)
    server = psycopg2.connect(server_url)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCHMARK_DATABASE}")
        cursor.execute(f"CREATE DATABASE {BENCHMARK_DATABASE}")
    _environment(database_url, args)
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        print(f"Loading {count:,} subscribers...", flush=True)
        started = time.perf_counter()
        mailing_list = _load(count)
        print(f"  loaded in {time.perf_counter() - started:.1f} s")
        rate = f"{args.rate:,} messages/s" if args.rate else "none"
        print(f"Fan-out of one post, batches of {args.batch}, rate limit: {rate}")
        header = f"{'workers':>7}  {'enqueue':>9}  {'send':>9}  {'messages/s':>10}  {'peak MiB each':>13}  duplicates"
        print(header)
        with tempfile.TemporaryDirectory() as folder:
            for workers in (int(number) for number in args.workers.split(",")):
                result = _run(mailing_list, workers, count, folder)
                assert result["sent"] == result["recipients"] == count, result
                assert result["status"] == "sent", result
                if args.json:
                    print(json.dumps({"subscribers": count, "workers": workers, "batch": args.batch, **result}))
                    continue
                peaks = "/".join(str(peak) for peak in result["peak_mib"])
                print(
                    f"{workers:>7}  {result['enqueue_seconds']:>8.1f}s  {result['send_seconds']:>8.1f}s  "
                    f"{result['per_second']:>10,.0f}  {peaks:>13}  {result['duplicates']}",
                    flush=True,
                )
    finally:
        connection.close()
        with server.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {BENCHMARK_DATABASE}")
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
