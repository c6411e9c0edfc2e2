"""Reading a hardware listing that a customer pasted: the output of ``lspci`` or ``/proc/pci``.

People paste what their terminal shows, often through an email or a chat window: with the
shell prompt, quote marks, Windows line endings, tabs, wrapped lines, the verbose blocks of
``lspci -v`` or the machine-readable ``lspci -vmm``, or the ``/proc/pci`` of a 2.2 or 2.4
kernel. The parser takes what it recognises and skips the rest; it never raises, whatever
it is given.

Recognised forms, one device each:

- ``00:0f.0 VGA compatible controller: nVidia Corporation NV11 [GeForce2 MX] (rev b2)``
  (plain ``lspci``, also with a PCI domain ``0000:`` and with ``-nn`` class and ID brackets);
- ``00:0f.0 "VGA compatible controller" "nVidia Corporation" "NV11" -rb2 "" ""`` (``lspci -m``);
- blocks of ``Slot:``/``Class:``/``Vendor:``/``Device:``/``Rev:`` lines (``lspci -vmm``);
- ``Bus  1, device   0, function  0:`` followed by ``VGA compatible controller: ...``
  (``/proc/pci``).

Indented detail lines of ``lspci -v``/``-k`` add the kernel driver in use to the device above.
"""

import re
import shlex
from dataclasses import asdict, dataclass

MAX_INPUT_CHARS = 20_000
MAX_DEVICES = 256
MAX_LINE_CHARS = 1_000
MAX_TEXT = 200  # longest kept text of one attribute: a listing is no place for essays

_SLOT = r"(?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]"
_PLAIN_LINE = re.compile(rf"^(?P<slot>{_SLOT})\s+(?P<class>[^:\"]+?)(?:\s*\[[0-9a-fA-F]{{4}}\])?\s*:\s*(?P<rest>.+)$")
_MACHINE_LINE = re.compile(rf"^(?P<slot>{_SLOT})\s+(?P<rest>\".*)$")
_PROC_PCI_HEADER = re.compile(
    r"^bus\s+(?P<bus>\d+),\s*device\s+(?P<device>\d+),\s*function\s+(?P<function>\d+)\s*:?$", re.I
)
_PROC_PCI_DEVICE = re.compile(r"^(?P<class>[^:]+?)\s*:\s*(?P<rest>.+)$")
_REVISION = re.compile(r"\s*\(\s*rev\.?\s+(?P<rev>[0-9a-fA-F]+)\s*\)\.?\s*$", re.I)
_IDS = re.compile(r"\s*\[(?P<vendor>[0-9a-fA-F]{4}):(?P<device>[0-9a-fA-F]{4})\]")
_PROG_IF = re.compile(r"\s*\(prog-if [^)]*\)", re.I)
_DRIVER = re.compile(r"^kernel driver in use\s*:\s*(?P<driver>\S+)", re.I)
_VMM_FIELD = re.compile(r"^(?P<key>slot|class|vendor|device|rev|driver)\s*:\s*(?P<value>.*)$", re.I)
# A vendor's name ends with its company form, possibly followed by a short alias in brackets
# ("Advanced Micro Devices, Inc. [AMD/ATI]"); the device's name is what follows.
_COMPANY_FORM = (
    r"(?:Corporation|Corp\.?|Incorporated|Inc\.?|Ltd\.?|Limited|Co\.|GmbH|AG|S\.A\.|Technologies|Technology|"
    r"Semiconductor|Electronics|Systems|Microsystems|Labs|Graphics|Interactive)"
)
_VENDOR = re.compile(rf"^(?P<vendor>.+?\b{_COMPANY_FORM}(?:,?\s+{_COMPANY_FORM})*(?:\s+\[[^\]]+\])?)\s+(?P<name>.+)$")
# What a terminal, a mail client or a chat window puts before the pasted lines.
_LINE_PREFIX = re.compile(r"^(?:[>|] ?)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Device:
    slot: str = ""
    device_class: str = ""
    vendor: str = ""
    name: str = ""
    vendor_id: str = ""
    device_id: str = ""
    revision: str = ""
    driver: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def parse(text: object) -> list[Device]:
    """The devices found in a pasted listing, in the order they appear."""
    if not isinstance(text, str):
        return []
    devices: list[Device] = []
    machine_block: dict[str, str] = {}
    proc_pci_slot = ""
    for raw_line in _lines(text[:MAX_INPUT_CHARS]):
        if len(devices) >= MAX_DEVICES:
            break
        indented = raw_line[:1].isspace()
        # No line of lspci comes near this length; the cut bounds the work on pasted junk.
        line = raw_line.strip()[:MAX_LINE_CHARS]
        if not line:
            _flush_machine_block(machine_block, devices)
            continue
        vmm = _VMM_FIELD.match(line)
        if vmm:
            key = vmm["key"].lower()
            if key == "slot":
                _flush_machine_block(machine_block, devices)
            machine_block[key] = vmm["value"].strip()
            continue
        driver = _DRIVER.match(line)
        if driver:
            if devices:
                devices[-1].driver = _clip(driver["driver"])
            continue
        header = _PROC_PCI_HEADER.match(line)
        if header:
            proc_pci_slot = "{:02x}:{:02x}.{}".format(
                int(header["bus"]) % 256, int(header["device"]) % 32, int(header["function"]) % 8
            )
            continue
        if proc_pci_slot:
            device = _PROC_PCI_DEVICE.match(line)
            if device:
                devices.append(_device(proc_pci_slot, device["class"], device["rest"]))
            proc_pci_slot = ""
            continue
        if indented:
            continue  # the detail lines of `lspci -v`: flags, memory ranges, capabilities
        machine = _MACHINE_LINE.match(line)
        if machine:
            device = _machine_readable(machine["slot"], machine["rest"])
            if device is not None:
                devices.append(device)
            continue
        plain = _PLAIN_LINE.match(line)
        if plain:
            devices.append(_device(plain["slot"], plain["class"], plain["rest"]))
    _flush_machine_block(machine_block, devices)
    return devices[:MAX_DEVICES]


def _lines(text: str) -> list[str]:
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    text = text.replace("\u00a0", " ")
    return [_LINE_PREFIX.sub("", line) for line in text.split("\n")]


def _clip(value: str) -> str:
    return " ".join(value.split())[:MAX_TEXT]


def _device(slot: str, device_class: str, rest: str) -> Device:
    rest = _PROG_IF.sub("", rest)
    revision = ""
    found = _REVISION.search(rest)
    if found:
        revision = found["rev"].lower()
        rest = rest[: found.start()]
    vendor_id = device_id = ""
    ids = _IDS.search(rest)
    if ids:
        vendor_id, device_id = ids["vendor"].lower(), ids["device"].lower()
        rest = rest[: ids.start()] + rest[ids.end() :]
    rest = rest.strip().rstrip(".").strip()
    vendor, name = "", rest
    split = _VENDOR.match(rest)
    if split:
        vendor, name = split["vendor"], split["name"]
    return Device(
        slot=slot.lower(),
        device_class=_clip(device_class),
        vendor=_clip(vendor),
        name=_clip(name),
        vendor_id=vendor_id,
        device_id=device_id,
        revision=revision,
    )


def _machine_readable(slot: str, rest: str) -> Device | None:
    # `lspci -m`: quoted class, vendor, device, then options such as -r03, then subsystem.
    try:
        words = shlex.split(rest)
    except ValueError:
        return None  # an unbalanced quote: not a line lspci wrote
    quoted = [word for word in words if not word.startswith("-")]
    if len(quoted) < 3:
        return None
    revision = next((word[2:] for word in words if word.startswith("-r")), "")
    return Device(
        slot=slot.lower(),
        device_class=_clip(_strip_brackets(quoted[0])),
        vendor=_clip(_strip_brackets(quoted[1])),
        name=_clip(_strip_brackets(quoted[2])),
        revision=_clip(revision).lower(),
    )


def _strip_brackets(value: str) -> str:
    # `lspci -mnn` adds "[0300]" or "[10de]" after each name.
    return re.sub(r"\s*\[[0-9a-fA-F]{4}\]$", "", value)


def _flush_machine_block(block: dict[str, str], devices: list[Device]) -> None:
    if "slot" in block and re.fullmatch(_SLOT, block["slot"]) and len(devices) < MAX_DEVICES:
        devices.append(
            Device(
                slot=block["slot"].lower(),
                device_class=_clip(_strip_brackets(block.get("class", ""))),
                vendor=_clip(_strip_brackets(block.get("vendor", ""))),
                name=_clip(_strip_brackets(block.get("device", ""))),
                revision=_clip(block.get("rev", "")).lower(),
                driver=_clip(block.get("driver", "")),
            )
        )
    block.clear()
