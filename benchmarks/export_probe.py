"""Build the data export of the benchmark's export customer (1,000 orders, 100 registrations)
and print, as JSON, how long it took and how much the process's memory grew.

benchmarks/run starts it in a process of its own, with the production settings, as a task
worker would run the export. The worker has built an export before, as a running worker has:
that of a smaller benchmark customer in the same language (modules imported, translations and
fonts loaded), never this customer's rows.
"""

import json
import threading
import time

import django
import psutil

django.setup()

from accounts import export  # noqa: E402 (after django.setup)
from accounts.models import Customer, DataExport  # noqa: E402
from mandrakeonline.bench_data import EXPORT_EMAIL, PROFILE_COUNT, PROFILE_EMAIL  # noqa: E402


def warm_up(language: str) -> None:
    profiles = Customer.objects.filter(email__in=[PROFILE_EMAIL.format(index) for index in range(PROFILE_COUNT)])
    warm = profiles.filter(language=language).first() or profiles.first()
    data_export = DataExport.objects.create(customer=warm)
    export.build_export(data_export)
    export.delete_export_file(data_export)
    data_export.delete()


def main() -> None:
    customer = Customer.objects.get(email=EXPORT_EMAIL)
    process = psutil.Process()
    warm_up(customer.language)
    data_export = DataExport.objects.create(customer=customer)
    baseline = process.memory_info().rss
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.02):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    export.build_export(data_export)
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    data_export.refresh_from_db()
    result = {
        "seconds": seconds,
        "memory_growth_mb": (peak - baseline) / 2**20,
        "records": data_export.records_total,
        "zip_mb": data_export.size / 2**20,
    }
    export.delete_export_file(data_export)
    data_export.delete()
    print(json.dumps(result))


main()
