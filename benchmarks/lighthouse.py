"""Lighthouse on the login page, the account overview and an unsubscribe page, served as in
production: prints the performance, accessibility and best-practices scores against 0.95,
and what each page weighs (everything transferred, compressed) against 150 KB.

    npm install                          # once: Lighthouse 12.2.3 is a devDependency
    .venv/bin/python benchmarks/lighthouse.py

A script, not a test: its scores depend on the machine and its load, so each page is run
RUNS times (3; `--runs N` to change) and the median is kept, as Lighthouse's authors advise;
that takes two to three minutes. It uses
Debian's chromium (CHROMIUM_PATH to use another) and the development database, which it
migrates and fills with the demo data (see benchmarks/production_site.py). Lighthouse
simulates a mid-range phone on a slow 4G network. Exit status 1 when a score or a weight
misses its goal.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from production_site import ROOT, production_site

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices"]
SCORE_GOAL = 0.95
WEIGHT_GOAL = 150 * 1024


def lighthouse(url: str, headers: dict[str, str], report: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            f"--extra-headers={json.dumps(headers)}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=180,
    )
    return json.loads(report.read_text())


def median_run(url: str, headers: dict[str, str], folder: Path, runs: int) -> tuple[list[float], float]:
    """The median score of each category over the runs, and the page's weight."""
    results = []
    for run in range(runs):
        result = lighthouse(url, headers, folder / f"report-{run}.json")
        if result.get("runtimeError"):
            sys.exit(f"{url}: Lighthouse failed: {result['runtimeError']}")
        if result["finalDisplayedUrl"] != url:
            sys.exit(f"{url}: ended on {result['finalDisplayedUrl']}, not the page asked for")
        results.append(result)
    scores = [statistics.median(run["categories"][category]["score"] for run in results) for category in CATEGORIES]
    return scores, results[-1]["audits"]["total-byte-weight"]["numericValue"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is kept)")
    runs = parser.parse_args().runs
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm install` (it is a devDependency in package.json).")
    if not Path(CHROMIUM).exists():
        sys.exit("chromium is not installed (apt-get install chromium), or set CHROMIUM_PATH.")
    missed = False
    with production_site() as site, tempfile.TemporaryDirectory() as folder:
        pages = [
            ("login", "/login/", {}),
            ("account overview", "/account/", {"Cookie": site.session_cookie}),
            ("unsubscribe", site.unsubscribe_path, {}),
        ]
        print(f"{'page':<18}" + "".join(f"{name:>16}" for name in CATEGORIES) + f"{'weight':>12}")
        for name, path, headers in pages:
            scores, weight = median_run(site.url + path, headers, Path(folder), runs)
            missed |= any(score < SCORE_GOAL for score in scores) or weight >= WEIGHT_GOAL
            print(
                f"{name:<18}"
                + "".join(f"{score:>12.2f} {'ok' if score >= SCORE_GOAL else '!!':>3}" for score in scores)
                + f"{weight / 1024:>8.1f} KB {'ok' if weight < WEIGHT_GOAL else '!!'}",
                flush=True,
            )
    print(f"goals: every score at least {SCORE_GOAL}, every page under {WEIGHT_GOAL // 1024} KB")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
