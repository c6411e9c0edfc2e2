"""What the benchmark harness reads and decides (benchmarks/harness.py); the runs themselves
are not part of the test suite."""

import pytest

from benchmarks.harness import Load, Result, Target, parse_wrk

# wrk ends some latency lines with a space.
WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41951/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.32ms   10.66ms 144.11ms   68.07%
    Req/Sec   345.45     39.92   447.00     60.71%
  Latency Distribution
     50%   21.46ms
     75%   28.48ms
     90%   34.90ms
     99%    1.57s\x20
  6913 requests in 10.08s, 91.60MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    685.59
Transfer/sec:      9.09MB
"""


def test_wrk_figures_are_read_in_milliseconds_with_every_error_counted():
    assert parse_wrk(WRK_OUTPUT) == {
        "requests_per_second": 685.59,
        "requests": 6913,
        "p50_ms": 21.46,
        "p99_ms": 1570.0,
        "errors": 5,
    }


@pytest.mark.parametrize(
    ("figures", "failures"),
    [
        ({"requests_per_second": 650, "p99_ms": 40, "queries": 3}, []),
        ({"requests_per_second": 550, "p99_ms": 40, "queries": 3}, ["550 req/s < 600"]),
        ({"requests_per_second": 650, "p99_ms": 60, "queries": 6}, ["queries 6 > 5", "p99 60 ms > 50"]),
        ({"requests_per_second": 650, "p99_ms": 40, "queries": 3, "errors": 2}, ["2 error responses"]),
    ],
)
def test_a_page_passes_only_when_it_meets_every_part_of_its_target(figures, failures):
    result = Result("account overview", Target(queries=5, requests_per_second=600, p99_ms=50), **figures)

    assert result.failures() == failures


def test_wrk_takes_each_request_in_turn_with_its_cookie_and_a_client_address_of_its_own():
    load = Load([("GET", "/account/", "__Host-sessionid=abc", ""), ("POST", "/unsubscribe/x/", "", "a=b")], 16, True)

    script = load.lua()

    assert '{"GET", "/account/", "__Host-sessionid=abc", ""}' in script
    assert '{"POST", "/unsubscribe/x/", "", "a=b"}' in script
    assert 'headers["X-Forwarded-For"]' in script
