"""The benchmark harness behind benchmarks/run.

It serves the site as production does (gunicorn, DEBUG off, whitenoise, persistent database
connections) on 127.0.0.1, over a database of generated customers
(manage.py generate_bench_data), logs benchmark customers in, and loads each page with wrk
for a bounded time. For every page it prints requests per second, median and 99th
percentile latency, the SQL queries one request makes (counted in this process, through
Django's test client, against the same database), the CPU time gunicorn and PostgreSQL spent
per request, and the peak memory of a gunicorn worker, with PASS or FAIL against the targets
of the issue. The same run measures /healthz (one trivial query through the same stack): on
a machine shared with other work, requests per second are read as ratios to it, and the CPU
per request, which that other work barely moves. Each run's raw figures go to
benchmarks/runs/<time>/ (git-ignored); --record writes the table to benchmarks/RESULTS.md.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUNS = ROOT / "benchmarks" / "runs"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
LIGHTHOUSE_VERSION = "12.2.3"
# The load comes from many clients behind one proxy: X-Forwarded-For says who each is, as
# the proxy in front of production says it (TRUSTED_PROXY_COUNT=1).
XFF_LUA = 'string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))'


@dataclass
class Target:
    queries: int | None = None
    requests_per_second: float | None = None
    p99_ms: float | None = None
    p50_ms: float | None = None


@dataclass
class Result:
    page: str
    target: Target
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    queries: int | None = None
    peak_worker_rss_mb: float = 0.0
    errors: int = 0
    requests: int = 0
    # CPU time of gunicorn and PostgreSQL per request: unlike req/s, barely moved by what
    # else runs on the machine.
    server_cpu_ms: float = 0.0
    others_cpu_percent: float = 0.0
    notes: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        found = []
        target = self.target
        if self.errors:
            found.append(f"{self.errors} error responses")
        if target.queries is not None and (self.queries is None or self.queries > target.queries):
            found.append(f"queries {self.queries} > {target.queries}")
        if target.requests_per_second and self.requests_per_second < target.requests_per_second:
            found.append(f"{self.requests_per_second:.0f} req/s < {target.requests_per_second:.0f}")
        if target.p99_ms and self.p99_ms > target.p99_ms:
            found.append(f"p99 {self.p99_ms:.0f} ms > {target.p99_ms:.0f}")
        if target.p50_ms and self.p50_ms > target.p50_ms:
            found.append(f"{self.p50_ms:.0f} ms > {target.p50_ms:.0f}")
        return found


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


# --- the machine and the database ----------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing wrk from Debian's packages")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        return shutil.which("wrk") or sys.exit("wrk did not install")
    sys.exit("benchmarks/run needs wrk, the HTTP load generator: install it with `apt-get install wrk` and run again.")


def bench_database_url(scale: float) -> tuple[str, bool]:
    """The database to measure, and whether this run started the embedded server."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], False
    sys.path.insert(0, str(ROOT))
    from mandrakeonline.embedded_db import DATA_DIR, embedded_database_url

    started = not (DATA_DIR / "postmaster.pid").exists()
    server_url = embedded_database_url()
    # Its own database per scale, apart from the development one.
    name = "mandrakeonline_bench" if scale == 1 else f"mandrakeonline_bench_{str(scale).replace('.', '_')}"
    import psycopg2

    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            say(f"creating the database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    parsed = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parsed._replace(path=f"/{name}")), started


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)


def prepare_database(database_url: str, scale: float, seed: int) -> None:
    development = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    say("migrating")
    manage("migrate", "--no-input", "-v", "0", env=development)
    check = subprocess.run(
        [
            PYTHON,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            "from accounts.models import Customer; from mandrakeonline.bench_data import EXPORT_EMAIL; "
            "print(Customer.objects.exists(), Customer.objects.filter(email=EXPORT_EMAIL).exists())",
        ],
        cwd=ROOT,
        env=development,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-2:]
    has_customers, has_bench = (value == "True" for value in check)
    if has_bench:
        return
    if has_customers:
        sys.exit(
            "This database has customers but no benchmark data: give an empty one (or none, for the embedded one)."
        )
    say(f"generating the benchmark data at scale {scale} (a million customers take about ten minutes)")
    manage("generate_bench_data", "--scale", str(scale), "--seed", str(seed), env=development)


def production_environment(database_url: str, port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mandrakeonline.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "STORE_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on loopback: no TLS proxy in front.
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


# --- the server ---------------------------------------------------------------------------


class Server:
    """gunicorn serving the site as in production."""

    def __init__(self, env: dict, port: int, workers: int, threads: int, log: Path):
        self.env, self.port = env, port
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "mandrakeonline.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ]
        self.log = log.open("w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped; see {self.log.name}")
            with contextlib.suppress(OSError):
                if http("GET", self.url("/healthz")).status == 200:
                    return
            time.sleep(0.3)
        sys.exit("gunicorn did not answer /healthz within a minute")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.NoSuchProcess):
            return psutil.Process(self.process.pid).children()
        return []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@dataclass
class Answer:
    status: int
    cookies: dict[str, str]
    text: str
    location: str


def http(method: str, url: str, *, body: str = "", headers: dict | None = None) -> Answer:
    """One request, without following redirects; the Set-Cookie values come back by name
    (the cookies are Secure, which a cookie jar would not send over plain http)."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(method, path, body=body.encode(), headers=headers or {})
    response = connection.getresponse()
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            cookie_name, _equals, rest = value.partition("=")
            cookies[cookie_name] = rest.split(";", 1)[0]
    answer = Answer(
        response.status, cookies, response.read().decode(errors="replace"), response.getheader("Location", "")
    )
    connection.close()
    return answer


def log_in(server: Server, username: str, password: str, code: Callable[[], str] | None = None) -> str:
    """A session cookie ("name=value") for this account, logged in through the login form
    (and, for an account with a second factor, the code form, with a code from `code`)."""
    form = login_form_token(server)
    headers = {
        "Cookie": form["cookie"],
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": f"10.200.{random.randrange(256)}.{random.randrange(1, 255)}",
    }
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": form["token"], "username": username, "password": password})
    answer = http("POST", server.url("/login/"), body=body, headers=headers)
    if code is not None and answer.status == 302 and answer.location.startswith("/login/code/"):
        session = next(name for name in answer.cookies if name.endswith("sessionid"))
        headers["Cookie"] += f"; {session}={answer.cookies[session]}"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": form["token"], "code": code()})
        answer = http("POST", server.url(answer.location), body=body, headers=headers)
    session_name = next((name for name in answer.cookies if name.endswith("sessionid")), None)
    if answer.status != 302 or session_name is None:
        sys.exit(f"could not log {username} in (status {answer.status})")
    return f"{session_name}={answer.cookies[session_name]}"


# --- the load -----------------------------------------------------------------------------


@dataclass
class Load:
    """What wrk sends: requests taken in turn from a list, each (method, path, cookie, body)."""

    requests: list[tuple[str, str, str, str]]
    connections: int
    forwarded_for: bool = False

    def lua(self) -> str:
        def quote(text: str) -> str:
            return json.dumps(text)

        entries = ",\n".join(
            f"{{{quote(method)}, {quote(path)}, {quote(cookie)}, {quote(body)}}}"
            for method, path, cookie, body in self.requests
        )
        forwarded = f'headers["X-Forwarded-For"] = {XFF_LUA}' if self.forwarded_for else ""
        return f"""
local requests = {{
{entries}
}}
local counter = 0
function setup(thread)
  thread:set("start", math.random(1, #requests))
end
function init(args)
  counter = start or 0
  math.randomseed(os.time() + counter)
end
function request()
  counter = counter + 1
  local r = requests[counter % #requests + 1]
  local headers = {{}}
  if r[3] ~= "" then headers["Cookie"] = r[3] end
  if r[4] ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  {forwarded}
  return wrk.format(r[1], r[2], headers, r[4] ~= "" and r[4] or nil)
end
"""


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


class RssSampler(threading.Thread):
    """The peak resident memory of any gunicorn worker while a load runs."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.peak_mb = 0.0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            for worker in self.server.workers():
                with contextlib.suppress(psutil.NoSuchProcess):
                    self.peak_mb = max(self.peak_mb, worker.memory_info().rss / 2**20)

    def stop(self) -> float:
        self.stopping.set()
        self.join()
        return self.peak_mb


def server_cpu(server: Server, database_pid: int | None) -> dict[int, float]:
    """CPU seconds used so far by each process serving the site: gunicorn and its workers,
    and the database server with its backends (when it runs here)."""
    processes = [psutil.Process(server.process.pid), *server.workers()]
    if database_pid:
        with contextlib.suppress(psutil.NoSuchProcess):
            database = psutil.Process(database_pid)
            processes += [database, *database.children()]
    used = {}
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            used[process.pid] = times.user + times.system
    return used


def _children_cpu_seconds() -> float:
    # The CPU time of the subprocesses that ended: wrk's, once it has.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(wrk: str, server: Server, load: Load, *, duration: int, run_dir: Path, name: str, database_pid) -> dict:
    script = run_dir / f"{name}.lua"
    script.write_text(load.lua())
    threads = min(2, load.connections)
    sampler = RssSampler(server)
    served_before, wrk_before = server_cpu(server, database_pid), _children_cpu_seconds()
    harness_before = time.process_time()
    machine_before = psutil.cpu_times()
    sampler.start()
    output = subprocess.run(
        [
            wrk,
            f"-t{threads}",
            f"-c{load.connections}",
            f"-d{duration}s",
            # Queued logins may wait seconds: a slow answer is a figure, not an error.
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            server.url("/"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    peak = sampler.stop()
    machine_after = psutil.cpu_times()
    served_after = server_cpu(server, database_pid)
    serving = sum(used - served_before.get(pid, 0.0) for pid, used in served_after.items())
    ours = serving + _children_cpu_seconds() - wrk_before + time.process_time() - harness_before
    busy = sum(
        getattr(machine_after, field) - getattr(machine_before, field)
        for field in ("user", "nice", "system", "irq", "softirq")
    )
    elapsed = sum(machine_after) - sum(machine_before)
    (run_dir / f"{name}.wrk.txt").write_text(output)
    figures = parse_wrk(output)
    return {
        **figures,
        "peak_worker_rss_mb": peak,
        "server_cpu_ms": 1000 * serving / max(1, figures["requests"]),
        # What the machine did besides serving, loading and measuring: other people's work.
        "others_cpu_percent": max(0.0, 100 * (busy - ours) / elapsed) if elapsed else 0.0,
    }


def parse_wrk(output: str) -> dict:
    """Requests per second, the count, the median and 99th percentile latency (ms), and
    the errors (answers other than 2xx or 3xx, and socket errors) of wrk --latency."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": _milliseconds(latency["50"]),
        "p99_ms": _milliseconds(latency["99"]),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(int(value) for value in socket_errors.groups()) if socket_errors else 0),
    }


# --- the pages ----------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    target: Target
    # The requests wrk sends, and the one whose queries are counted.
    load: Load
    counted: tuple[str, str, str, str]
    # Logins: a refused one answers 200 like a page, so the sessions opened are counted.
    opens_sessions: bool = False


def pages(server: Server, connections: int, duration: int) -> list[Page]:
    """Every page of the targets, with the sessions and data it needs."""
    from accounts.models import Customer
    from billing.models import Invoice
    from mailinglists.models import Subscription
    from mailinglists.tokens import make_token
    from mandrakeonline.bench_data import BENCH_PASSWORD, PROFILE_COUNT, PROFILE_EMAIL, STAFF_EMAIL

    profiles = list(
        Customer.objects.filter(email__in=[PROFILE_EMAIL.format(index) for index in range(PROFILE_COUNT)]).order_by(
            "pk"
        )
    )
    say(f"logging in {connections} benchmark customers and a staff member")
    sessions = [
        (customer, log_in(server, customer.customer_number, BENCH_PASSWORD)) for customer in profiles[:connections]
    ]
    staff = Customer.objects.get(email=STAFF_EMAIL)
    staff_session = log_in(server, staff.customer_number, BENCH_PASSWORD, code=lambda: authenticator_code(staff))

    def each_session(path_of) -> Load:
        return Load([("GET", path_of(customer), cookie, "") for customer, cookie in sessions], connections)

    invoices = {
        invoice.order.customer_id: invoice.number
        for invoice in Invoice.objects.filter(order__customer__in=[customer for customer, _cookie in sessions])
        .select_related("order")
        .order_by("issued_at")
    }
    # Links of subscriptions taken at random through the table (a scan by id ranges: ORDER
    # BY random() would read two million rows): some for the page, others for one-click
    # unsubscribes, which use each link up once.
    highest = Subscription.objects.order_by("-pk").values_list("pk", flat=True).first()
    wanted = max(2000, int(duration * 1500))
    picked = random.sample(range(1, highest + 1), min(highest, 2 * wanted))
    tokens = [make_token(subscription) for subscription in Subscription.objects.active().filter(pk__in=picked)]
    random.shuffle(tokens)
    page_tokens, click_tokens = tokens[: len(tokens) // 4], tokens[len(tokens) // 4 :]
    one_click = "List-Unsubscribe=One-Click"
    login_body = [
        urllib.parse.urlencode({"username": customer.customer_number, "password": BENCH_PASSWORD})
        for customer in profiles
    ]
    csrf = login_form_token(server)
    # A customer among the generated ones, for the admin's searches.
    someone = Customer.objects.filter(pk__gt=profiles[-1].pk + 1000).order_by("pk").first()
    admin = [
        ("admin: customers, first page", "/admin/accounts/customer/", Target(p50_ms=150)),
        ("admin: exact customer number", f"/admin/accounts/customer/?q={someone.customer_number}", Target(p50_ms=50)),
        (
            "admin: start of an email",
            f"/admin/accounts/customer/?q={urllib.parse.quote(someone.email[:10])}",
            Target(p50_ms=100),
        ),
    ]
    found = [
        Page(
            "account overview",
            Target(queries=5, requests_per_second=600, p99_ms=50),
            each_session(lambda customer: "/account/"),
            ("GET", "/account/", sessions[0][1], ""),
        ),
        Page(
            "my lists",
            Target(queries=5, requests_per_second=500),
            each_session(lambda customer: "/account/lists/"),
            ("GET", "/account/lists/", sessions[0][1], ""),
        ),
        Page(
            "registrations",
            Target(queries=5, requests_per_second=500),
            each_session(lambda customer: "/account/registrations/"),
            ("GET", "/account/registrations/", sessions[0][1], ""),
        ),
        Page(
            "orders",
            Target(queries=5, requests_per_second=500),
            each_session(lambda customer: "/account/billing/"),
            ("GET", "/account/billing/", sessions[0][1], ""),
        ),
        Page(
            "one invoice",
            Target(queries=5, requests_per_second=500),
            each_session(lambda customer: f"/account/billing/invoices/{invoices[customer.pk]}/"),
            ("GET", f"/account/billing/invoices/{invoices[sessions[0][0].pk]}/", sessions[0][1], ""),
        ),
        Page(
            "unsubscribe page (GET)",
            Target(queries=3, requests_per_second=1000),
            Load([("GET", f"/unsubscribe/{token}/", "", "") for token in page_tokens], connections),
            ("GET", f"/unsubscribe/{page_tokens[0]}/", "", ""),
        ),
        Page(
            "one-click unsubscribe (POST)",
            Target(queries=3, requests_per_second=1000),
            Load(
                [("POST", f"/unsubscribe/{token}/", "", one_click) for token in click_tokens[1:]],
                connections,
                forwarded_for=True,
            ),
            ("POST", f"/unsubscribe/{click_tokens[0]}/", "", one_click),
        ),
        Page(
            "login (POST, right password)",
            Target(requests_per_second=20),
            Load(
                [
                    ("POST", "/login/", csrf["cookie"], f"csrfmiddlewaretoken={csrf['token']}&{body}")
                    for body in login_body
                ],
                connections,
                forwarded_for=True,
            ),
            ("POST", "/login/", "", login_body[-1]),
            opens_sessions=True,
        ),
    ]
    found += [
        Page(name, target, Load([("GET", path, staff_session, "")], 1), ("GET", path, staff_session, ""))
        for name, path, target in admin
    ]
    return found


def authenticator_code(customer) -> str:
    """The code the customer's authenticator app shows now."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=customer, confirmed=True)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"


def login_form_token(server: Server) -> dict:
    """A CSRF cookie and the matching form token, good for any number of login posts."""
    answer = http("GET", server.url("/login/"))
    name = next(name for name in answer.cookies if name.endswith("csrftoken"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.text).group(1)
    return {"cookie": f"{name}={answer.cookies[name]}", "token": token}


def count_queries(method: str, path: str, cookie: str, body: str) -> int:
    """The SQL queries of one request, counted through Django's test client in this process
    (same settings, same database)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_FOR="10.250.0.1")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as queries:
        response = client.generic(method, path, body, content_type="application/x-www-form-urlencoded")
    if response.status_code >= 400:
        sys.exit(f"{method} {path} answered {response.status_code} before the load: nothing to measure")
    return len(queries)


# --- the other targets --------------------------------------------------------------------


@dataclass
class Finding:
    """A target measured otherwise than by load: its figure, its target, and the verdict
    (None when it could not be measured here, with the reason as the figure)."""

    name: str
    measured: str
    target: str
    passed: bool | None


def measure_export(env: dict, run_dir: Path) -> list[Finding]:
    say("building the export of a customer with 1,000 orders and 100 registrations")
    output = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "export_probe.py")],
        cwd=ROOT,
        env={**env, "EXPORT_ROOT": str(run_dir / "exports"), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    (run_dir / "export.json").write_text(json.dumps(figures, indent=2))
    return [
        Finding(
            f"export: {figures['records']:,} records, {figures['zip_mb']:.1f} MB",
            f"{figures['seconds']:.2f} s",
            "≤ 1 s",
            figures["seconds"] <= 1,
        ),
        Finding(
            "export: worker memory growth",
            f"{figures['memory_growth_mb']:.0f} MB",
            "≤ 50 MB",
            figures["memory_growth_mb"] <= 50,
        ),
    ]


FANOUT_BATCH = 2000


def measure_fanout(database_url: str, run_dir: Path) -> list[Finding]:
    """Issue 6's fan-out benchmark at a million subscribers, one worker, into anymail's test
    backend: the ESP calls, the CPU time, the worker's peak memory, the duplicates."""
    say("fanning a post out to 1,000,000 subscribers (benchmarks/fanout.py, a few minutes)")
    command = [PYTHON, str(ROOT / "benchmarks" / "fanout.py"), "--million", "--batch", str(FANOUT_BATCH)]
    output = subprocess.run(
        [*command, "--workers", "1", "--json"],
        cwd=ROOT,
        # The same server; the benchmark makes (and drops) a database of its own there.
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    (run_dir / "fanout.json").write_text(json.dumps(figures, indent=2))
    name = f"fan-out to {figures['subscribers']:,} subscribers ({FANOUT_BATCH:,} a batch, one call per language)"
    return [
        Finding(f"{name}: ESP calls", f"{figures['esp_calls']:,}", "≤ 1,000", figures["esp_calls"] <= 1000),
        Finding(
            f"{name}: CPU (writing recipients down, then the worker)",
            f"{figures['cpu_seconds'] / 60:.1f} CPU-minutes ({figures['per_second']:,.0f} messages/s)",
            "≤ 3 CPU-minutes",
            figures["cpu_seconds"] <= 180,
        ),
        Finding(
            f"{name}: worker peak RSS", f"{max(figures['peak_mib'])} MiB", "≤ 300 MB", max(figures["peak_mib"]) <= 286
        ),
        Finding(f"{name}: duplicates", str(figures["duplicates"]), "0", figures["duplicates"] == 0),
    ]


def measure_lighthouse(server: Server, cookie: str, token: str, run_dir: Path) -> list[Finding]:
    chromium = shutil.which("chromium")
    lighthouse = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not lighthouse.exists() and shutil.which("npm"):
        say(f"installing lighthouse {LIGHTHOUSE_VERSION} into node_modules (git-ignored)")
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if not chromium or not lighthouse.exists():
        reason = "needs chromium (apt-get install chromium) and npm"
        return [Finding("Lighthouse", f"not run: {reason}", "100 desktop, ≥ 95 mobile", None)]
    findings = []
    for name, path, headers in (
        ("login", "/login/", {}),
        ("account overview", "/account/", {"Cookie": cookie}),
        ("unsubscribe page", f"/unsubscribe/{token}/", {}),
    ):
        scores = {}
        for preset in ("desktop", "mobile"):
            report = run_dir / f"lighthouse-{name.replace(' ', '-')}-{preset}.json"
            command = [
                str(lighthouse),
                server.url(path),
                "--output=json",
                f"--output-path={report}",
                "--quiet",
                "--only-categories=performance,accessibility,best-practices",
                "--chrome-flags=--headless --no-sandbox --disable-gpu",
                f"--extra-headers={json.dumps(headers)}",
            ]
            if preset == "desktop":
                command.append("--preset=desktop")
            subprocess.run(command, cwd=ROOT, env={**os.environ, "CHROME_PATH": chromium}, check=True)
            categories = json.loads(report.read_text())["categories"]
            scores[preset] = {key: round(100 * value["score"]) for key, value in categories.items()}
        findings.append(
            Finding(
                f"Lighthouse: {name}",
                "; ".join(
                    f"{preset} {score['performance']} (accessibility {score['accessibility']}, "
                    f"best practices {score['best-practices']})"
                    for preset, score in scores.items()
                ),
                "performance 100 desktop, ≥ 95 mobile",
                scores["desktop"]["performance"] == 100 and scores["mobile"]["performance"] >= 95,
            )
        )
    return findings


# --- the report ---------------------------------------------------------------------------


def verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "not measured"}[passed]


def table(results: list[Result], reference: Result, findings: list[Finding]) -> str:
    lines = [
        "| page | req/s | x /healthz | p50 ms | p99 ms | queries | CPU ms/req | peak worker RSS | target | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for result in [reference, *results]:
        target = result.target
        wanted = ", ".join(
            part
            for part in (
                f"≤ {target.queries} queries" if target.queries is not None else "",
                f"≥ {target.requests_per_second:,.0f} req/s" if target.requests_per_second else "",
                f"p99 ≤ {target.p99_ms:.0f} ms" if target.p99_ms else "",
                f"≤ {target.p50_ms:.0f} ms" if target.p50_ms else "",
            )
            if part
        )
        failures = result.failures()
        outcome = "reference" if result is reference else ("PASS" if not failures else "FAIL: " + "; ".join(failures))
        if result.notes:
            outcome += f" ({'; '.join(result.notes)})"
        ratio = result.requests_per_second / reference.requests_per_second if reference.requests_per_second else 0
        lines.append(
            f"| {result.page} | {result.requests_per_second:,.0f} | {ratio:.2f} | {result.p50_ms:.1f} | "
            f"{result.p99_ms:.1f} | {'' if result.queries is None else result.queries} | "
            f"{result.server_cpu_ms:.1f} | {result.peak_worker_rss_mb:.0f} MB | {wanted} | {outcome} |"
        )
    lines += ["", "| other target | measured | target | result |", "|---|---|---|---|"]
    lines += [f"| {item.name} | {item.measured} | {item.target} | {verdict(item.passed)} |" for item in findings]
    return "\n".join(lines)


def row_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relnamespace = "
            "'public'::regnamespace AND reltuples > 1000 ORDER BY reltuples DESC"
        )
        return dict(cursor.fetchall())


# --- the run ------------------------------------------------------------------------------


def measure(server: Server, wrk: str, args, run_dir: Path, database_pid: int | None) -> tuple[Result, list[Result]]:
    from accounts.models import LoginSession

    page_list = pages(server, args.connections, args.duration)
    # Counted right after the logins, as most requests of a session are (the session's
    # "last seen" is written once a minute, not on every request).
    counts = {page.name: count_queries(*page.counted) for page in page_list}
    healthz = Load([("GET", "/healthz", "", "")], args.connections)
    say(f"loading each page for {args.duration} s at {args.connections} connections (admin pages: 1)")
    reference_runs = [
        run_wrk(
            wrk, server, healthz, duration=args.duration, run_dir=run_dir, name="healthz-1", database_pid=database_pid
        )
    ]
    results = []
    for index, page in enumerate(page_list, start=1):
        logins_before = LoginSession.objects.count()
        figures = run_wrk(
            wrk,
            server,
            page.load,
            duration=args.duration,
            run_dir=run_dir,
            name=f"{index:02d}",
            database_pid=database_pid,
        )
        result = Result(page.name, page.target, queries=counts[page.name], **figures)
        if page.opens_sessions:
            logins = LoginSession.objects.count() - logins_before
            result.requests_per_second = logins / args.duration
            result.notes.append(f"{logins} logins completed")
        say(f"{page.name}: {result.requests_per_second:,.0f} req/s, p99 {result.p99_ms:.1f} ms")
        results.append(result)
    reference_runs.append(
        run_wrk(
            wrk, server, healthz, duration=args.duration, run_dir=run_dir, name="healthz-2", database_pid=database_pid
        )
    )
    before, after = reference_runs
    reference = Result(
        "/healthz (reference: mean of a run before the pages and one after)",
        Target(),
        requests_per_second=(before["requests_per_second"] + after["requests_per_second"]) / 2,
        p50_ms=(before["p50_ms"] + after["p50_ms"]) / 2,
        p99_ms=max(before["p99_ms"], after["p99_ms"]),
        queries=count_queries("GET", "/healthz", "", ""),
        peak_worker_rss_mb=max(before["peak_worker_rss_mb"], after["peak_worker_rss_mb"]),
        errors=before["errors"] + after["errors"],
        requests=before["requests"] + after["requests"],
        server_cpu_ms=(before["server_cpu_ms"] + after["server_cpu_ms"]) / 2,
        others_cpu_percent=max(before["others_cpu_percent"], after["others_cpu_percent"]),
    )
    return reference, results


def lighthouse_inputs(server: Server) -> tuple[str, str]:
    """A logged-in session for the overview, and an unsubscribe link."""
    from accounts.models import Customer
    from mailinglists.models import Subscription
    from mailinglists.tokens import make_token
    from mandrakeonline.bench_data import BENCH_PASSWORD, PROFILE_COUNT, PROFILE_EMAIL

    customer = Customer.objects.get(email=PROFILE_EMAIL.format(PROFILE_COUNT - 1))
    subscription = Subscription.objects.active().order_by("pk").first()
    return log_in(server, customer.customer_number, BENCH_PASSWORD), make_token(subscription)


def write_report(args, run_dir: Path, reference: Result, results: list[Result], findings, rows, load_before) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    host = machine()
    volumes = ", ".join(
        f"{name.split('_', 1)[1]} {count:,}"
        for name, count in rows.items()
        if name
        in (
            "accounts_customer",
            "mailinglists_subscription",
            "registrations_registration",
            "billing_order",
            "billing_invoice",
        )
    )
    busiest = max([reference, *results], key=lambda result: result.others_cpu_percent)
    report = "\n".join(
        [
            f"Run of {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC (commit {commit}), "
            f"scale {args.scale}: {volumes}.",
            f"Machine: {host['cpu']}, {host['cores']} cores, {host['memory_gb']} GB, {host['system']}, "
            f"Python {host['python']}.",
            f"Server: gunicorn, {args.workers} workers x {args.threads} thread(s), DEBUG off, on 127.0.0.1; "
            f"wrk for {args.duration} s per page at {args.connections} connections (admin pages: 1).",
            f"Load average before the run: {load_before[0]:.1f}; CPU taken by other work on the machine during a "
            f"page: up to {busiest.others_cpu_percent:.0f} % (during {busiest.page}).",
            "",
            table(results, reference, findings),
            "",
        ]
    )
    (run_dir / "results.md").write_text(report)
    (run_dir / "results.json").write_text(
        json.dumps(
            {
                "args": vars(args),
                "machine": host,
                "rows": rows,
                "reference": asdict(reference),
                "results": [asdict(result) for result in results],
                "findings": [asdict(item) for item in findings],
            },
            indent=2,
        )
    )
    if args.record:
        RESULTS.write_text(
            "# Benchmark results\n\nThe latest run of `benchmarks/run` (see the README for how to run it and how "
            "to read it). Raw figures of every run are kept in `benchmarks/runs/` (not committed).\n\n" + report
        )
    return report


def embedded_postmaster_pid() -> int | None:
    from mandrakeonline.embedded_db import DATA_DIR

    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((DATA_DIR / "postmaster.pid").read_text().splitlines()[0])
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="customers in millions (default 1.0)")
    parser.add_argument("--seed", type=int, default=42, help="of the generated data (default 42)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument("--lighthouse", action="store_true", help="also score login, overview and unsubscribe pages")
    parser.add_argument("--fanout", action="store_true", help="also fan a post out to 1,000,000 subscribers")
    parser.add_argument("--record", action="store_true", help="write the table to benchmarks/RESULTS.md")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    external = bool(os.environ.get("DATABASE_URL"))
    database_url, started_embedded = bench_database_url(args.scale)
    run_dir = RUNS / datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True)
    load_before = os.getloadavg()
    server = None
    try:
        prepare_database(database_url, args.scale, args.seed)
        port = free_port()
        env = production_environment(database_url, port)
        manage("collectstatic", "--no-input", "-v", "0", env=env)
        say(f"starting gunicorn: {args.workers} workers, {args.threads} thread(s) each, on 127.0.0.1:{port}")
        server = Server(env, port, args.workers, args.threads, run_dir / "gunicorn.log")
        server.wait_until_up()
        # This process counts queries and reads the data with the same settings (its own
        # requests left out of the log).
        os.environ.update(env, LOG_LEVEL="WARNING")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        reference, results = measure(server, wrk, args, run_dir, None if external else embedded_postmaster_pid())
        findings = measure_export(env, run_dir)
        if args.fanout:
            findings += measure_fanout(database_url, run_dir)
        else:
            findings.append(
                Finding(
                    "fan-out of one post to 1,000,000 subscribers",
                    "not run (benchmarks/run --fanout, a few minutes more)",
                    "≤ 1,000 ESP calls, ≤ 3 CPU-minutes, worker RSS ≤ 300 MB, 0 duplicates",
                    None,
                )
            )
        if args.lighthouse:
            findings += measure_lighthouse(server, *lighthouse_inputs(server), run_dir)
        rows = row_counts()
    finally:
        if server is not None:
            server.stop()
        if started_embedded:
            from mandrakeonline.embedded_db import stop_embedded_database

            stop_embedded_database()
    report = write_report(args, run_dir, reference, results, findings, rows, load_before)
    print()
    print(report)
    return (
        0
        if all(not result.failures() for result in results) and all(item.passed is not False for item in findings)
        else 1
    )
