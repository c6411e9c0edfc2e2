"""Make the small screenshots the README shows, from those the browser journeys save.

    .venv/bin/pytest tests/browser      # saves test-artifacts/screenshots/
    .venv/bin/python tools/readme_screenshots.py

Each is cut to its first screen, scaled down and reduced to a palette, so that the
repository carries a few tens of kilobytes, not megabytes.
"""

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "test-artifacts" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"

# (journey/variant/page, file under docs/screenshots/, height kept, width wanted)
SHOTS = [
    ("orders/en-desktop/07-account-billing-orders.png", "order-desktop-en.png", 1000, 900),
    ("product_registration/en-phone/07-account-registrations.png", "registration-phone-en-dark.png", 1500, 300),
    ("mailing_lists/en-phone/08-unsubscribe.png", "unsubscribe-phone-en-dark.png", 660, 300),
]


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, target, height, width in SHOTS:
        path = SOURCE / source
        if not path.exists():
            sys.exit(f"{path} is missing: run the browser tests first (pytest tests/browser).")
        with Image.open(path) as image:
            shot = image.convert("RGB").crop((0, 0, image.width, min(height, image.height)))
        shot = shot.resize((width, round(shot.height * width / shot.width)), Image.Resampling.LANCZOS)
        shot.quantize(colors=96, dither=Image.Dither.NONE).save(TARGET / target, optimize=True)
        print(f"docs/screenshots/{target}: {(TARGET / target).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
