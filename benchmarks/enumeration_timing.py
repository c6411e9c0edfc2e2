"""How long sign-up, login, forgot-number and password reset take for a known and an unknown
customer, against a running site (python3 dev.py run). The attack tests prove the same work
is done either way; this measures that the time is comparable too (medians within 20 %).

    python3 benchmarks/enumeration_timing.py http://127.0.0.1:8000 KNOWN_EMAIL KNOWN_NUMBER

Loopback only; 20 requests per case; the site's abuse limits apply (restart the counters
or raise them for a run).
"""

import http.cookiejar
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

RUNS = 20
UNKNOWN_EMAIL, UNKNOWN_NUMBER = "nobody-benchmark@example.net", "100000006"


def timed_post(base: str, path: str, data: dict) -> float:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + path).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    # The base URL is the one the person running the benchmark typed (their own site).
    request = urllib.request.Request(base + path, body, headers={"Referer": base + path})  # noqa: S310
    started = time.perf_counter()
    try:
        opener.open(request).read()
    except urllib.error.HTTPError as error:
        error.read()
    return time.perf_counter() - started


def compare(base: str, label: str, path: str, known: dict, unknown: dict) -> bool:
    known_times = [timed_post(base, path, known) for _ in range(RUNS)]
    unknown_times = [timed_post(base, path, unknown) for _ in range(RUNS)]
    a, b = statistics.median(known_times), statistics.median(unknown_times)
    ratio = max(a, b) / min(a, b)
    print(f"{label:16} known {a * 1000:7.1f} ms  unknown {b * 1000:7.1f} ms  ratio {ratio:.2f}")
    return ratio <= 1.2


def main(base: str, email: str, number: str) -> int:
    password = "benchmark passphrase 2026"  # noqa: S105 (a throwaway sign-up)
    person = {
        "first_name": "Bench",
        "last_name": "Mark",
        "language": "en",
        "password1": password,
        "password2": password,
    }
    results = [
        compare(base, "sign-up", "/signup/", {**person, "email": email}, {**person, "email": UNKNOWN_EMAIL}),
        compare(
            base,
            "login",
            "/login/",
            {"username": number, "password": "wrong"},
            {"username": UNKNOWN_NUMBER, "password": "wrong"},
        ),
        compare(base, "forgot-number", "/forgot-number/", {"email": email}, {"email": UNKNOWN_EMAIL}),
        compare(base, "password reset", "/password-reset/", {"identifier": email}, {"identifier": UNKNOWN_EMAIL}),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
