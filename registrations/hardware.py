"""Units of a computer's description: memory in MiB/GiB, disks typed one per line.

A disk is written the way it is printed on its label, "40 GB IDE Maxtor", in English or
French units ("40 Go"), and stored as {"capacity_mb": 40000, "description": "IDE Maxtor"}.
Disk makers count in powers of ten (1 GB = 1000 MB), and so do we for disks; memory is
counted in powers of two (1 GiB = 1024 MiB), as the kernel reports it.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_MEMORY_MIB = 4
MAX_MEMORY_MIB = 4 * 1024 * 1024  # 4 TiB
MIB_PER_GIB = 1024

MAX_DISKS = 16
MIN_DISK_MB = 1
MAX_DISK_MB = 1_000_000_000  # 1 PB: more than any single disk
MAX_DISK_DESCRIPTION = 100

# Accepted spellings of disk units, in English and French, with their size in MB.
_DISK_UNITS = {
    "mb": 1,
    "mo": 1,
    "gb": 1000,
    "go": 1000,
    "tb": 1_000_000,
    "to": 1_000_000,
    # Binary units, as some tools print them; converted to decimal megabytes.
    "mib": Decimal("1.048576"),
    "gib": Decimal("1073.741824"),
    "tib": Decimal("1099511.627776"),
}
# "40 GB IDE", "40GB - IDE", "1,5 To: USB": the size, its unit, an optional separator
# (hyphen, en or em dash, colon, comma), then the description.
_DISK_LINE = re.compile(
    r"^(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>[a-zA-Z]{2,3})\b\s*[-\u2013\u2014:,]?\s*(?P<description>.*)$"
)

DISK_EXAMPLE = gettext_lazy("40 GB IDE Maxtor")


def memory_display(mib: int | None) -> str:
    if mib is None:
        return ""
    if mib % MIB_PER_GIB == 0:
        return _("%(amount)s GiB") % {"amount": number_format(mib // MIB_PER_GIB, force_grouping=True)}
    return _("%(amount)s MiB") % {"amount": number_format(mib, force_grouping=True)}


def capacity_display(megabytes: int) -> str:
    for size, unit in ((1_000_000, _("TB")), (1000, _("GB"))):
        if megabytes >= size:
            amount = (Decimal(megabytes) / size).quantize(Decimal("0.1")).normalize()
            return f"{number_format(amount, force_grouping=True)} {unit}"
    unit = _("MB")
    return f"{number_format(megabytes, force_grouping=True)} {unit}"


def disk_display(disk: dict) -> str:
    capacity = capacity_display(disk.get("capacity_mb", 0))
    return f"{capacity} {disk['description']}" if disk.get("description") else capacity


def disks_as_text(disks: list[dict]) -> str:
    """The stored disks as the customer types them, for the edit form."""
    return "\n".join(_disk_as_line(disk) for disk in disks)


def _disk_as_line(disk: dict) -> str:
    megabytes = disk.get("capacity_mb", 0)
    if megabytes % 1_000_000 == 0:
        size = f"{megabytes // 1_000_000} TB"
    elif megabytes % 1000 == 0:
        size = f"{megabytes // 1000} GB"
    else:
        size = f"{megabytes} MB"
    return f"{size} {disk['description']}".strip() if disk.get("description") else size


def parse_disks(text: str) -> list[dict]:
    """The disks typed one per line; a ValidationError naming each line that is wrong."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_DISKS:
        raise ValidationError(
            _("Describe at most %(max)s disks.") % {"max": MAX_DISKS},
            code="too_many_disks",
        )
    disks, errors = [], []
    for number, line in enumerate(lines, start=1):
        try:
            disks.append(_parse_disk(line))
        except ValidationError as error:
            errors.append(
                ValidationError(
                    _("Line %(number)s: %(error)s") % {"number": number, "error": error.messages[0]},
                    code=error.code,
                )
            )
    if errors:
        raise ValidationError(errors)
    return disks


def _parse_disk(line: str) -> dict:
    found = _DISK_LINE.match(line)
    unit = _DISK_UNITS.get(found["unit"].lower()) if found else None
    if unit is None:
        raise ValidationError(
            _("start with the size and its unit (MB, GB or TB), e.g. “%(example)s”.") % {"example": DISK_EXAMPLE},
            code="disk_format",
        )
    # The pattern lets only digits with one decimal mark through, so Decimal cannot fail.
    megabytes = int(Decimal(found["amount"].replace(",", ".")) * unit)
    if not MIN_DISK_MB <= megabytes <= MAX_DISK_MB:
        raise ValidationError(_("a disk holds between 1 MB and 1,000 TB."), code="disk_size")
    description = " ".join(found["description"].split())
    if len(description) > MAX_DISK_DESCRIPTION:
        raise ValidationError(
            _("keep the description under %(max)s characters.") % {"max": MAX_DISK_DESCRIPTION},
            code="disk_description",
        )
    return {"capacity_mb": megabytes, "description": description}
