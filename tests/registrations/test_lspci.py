"""The parser of pasted hardware listings: real-looking, messy input, and garbage."""

import time

import pytest

from registrations import lspci

PLAIN = """\
00:00.0 Host bridge: Intel Corporation 440BX/ZX/DX - 82443BX/ZX/DX Host bridge (rev 03)
00:07.1 IDE interface: Intel Corporation 82371AB/EB/MB PIIX4 IDE (rev 01)
00:0b.0 Multimedia audio controller: Creative Labs SB Live! EMU10k1 (rev 07)
00:0d.0 Ethernet controller: Realtek Semiconductor Co., Ltd. RTL-8139/8139C/8139C+ (rev 10)
01:00.0 VGA compatible controller: nVidia Corporation NV11 [GeForce2 MX/MX 400] (rev b2)
"""


def test_plain_lspci_gives_slot_class_vendor_device_and_revision():
    devices = lspci.parse(PLAIN)

    assert [device.slot for device in devices] == ["00:00.0", "00:07.1", "00:0b.0", "00:0d.0", "01:00.0"]
    graphics = devices[-1]
    assert graphics.device_class == "VGA compatible controller"
    assert graphics.vendor == "nVidia Corporation"
    assert graphics.name == "NV11 [GeForce2 MX/MX 400]"
    assert graphics.revision == "b2"
    assert devices[3].vendor == "Realtek Semiconductor Co., Ltd."
    assert devices[3].name == "RTL-8139/8139C/8139C+"
    assert devices[2].vendor == "Creative Labs"


def test_a_paste_from_an_email_with_prompt_quotes_crlf_tabs_and_blank_lines():
    pasted = (
        "> [root@localhost root]# lspci\r\n"
        ">\r\n"
        "> 00:00.0 Host bridge: VIA Technologies, Inc. VT8363/8365 [KT133/KM133] (rev 03)\r\n"
        ">  \r\n"
        "> > 00:0b.0\tMultimedia audio controller:\tEnsoniq ES1371 [AudioPCI-97] (rev 08)\r\n"
        "\u00a0\u00a0\r\n"
        "[root@localhost root]# exit\r\n"
    )

    devices = lspci.parse(pasted)

    assert [(device.slot, device.device_class) for device in devices] == [
        ("00:00.0", "Host bridge"),
        ("00:0b.0", "Multimedia audio controller"),
    ]
    assert devices[0].vendor == "VIA Technologies, Inc."
    assert devices[0].name == "VT8363/8365 [KT133/KM133]"
    # No known company form: the whole text is the device's name, nothing is lost.
    assert (devices[1].vendor, devices[1].name, devices[1].revision) == ("", "Ensoniq ES1371 [AudioPCI-97]", "08")


def test_numeric_ids_domains_and_prog_if_of_modern_lspci():
    listing = (
        "0000:00:1f.2 SATA controller [0106]: Intel Corporation 7 Series/C210 Series Chipset Family "
        "6-port SATA Controller [AHCI mode] [8086:1e03] (rev 04) (prog-if 01 [AHCI 1.0])\n"
        "0000:01:00.0 VGA compatible controller [0300]: Advanced Micro Devices, Inc. [AMD/ATI] "
        "Ellesmere [Radeon RX 470/480/570/570X/580/580X/590] [1002:67df] (rev e7)\n"
    )

    sata, graphics = lspci.parse(listing)

    assert sata.slot == "0000:00:1f.2"
    assert sata.device_class == "SATA controller"
    assert (sata.vendor_id, sata.device_id, sata.revision) == ("8086", "1e03", "04")
    assert sata.name == "7 Series/C210 Series Chipset Family 6-port SATA Controller [AHCI mode]"
    assert graphics.vendor == "Advanced Micro Devices, Inc. [AMD/ATI]"
    assert graphics.name == "Ellesmere [Radeon RX 470/480/570/570X/580/580X/590]"


def test_verbose_output_keeps_the_devices_and_their_drivers_and_skips_the_details():
    listing = """\
00:0d.0 Ethernet controller: Realtek Semiconductor Co., Ltd. RTL-8139/8139C/8139C+ (rev 10)
\tSubsystem: Realtek Semiconductor Co., Ltd. RT8139
\tFlags: bus master, medium devsel, latency 32, IRQ 11
\tI/O ports at d000 [size=256]
\tMemory at de000000 (32-bit, non-prefetchable) [size=256]
\tCapabilities: [50] Power Management version 2
\tKernel driver in use: 8139too
\tKernel modules: 8139too

01:00.0 VGA compatible controller: nVidia Corporation NV11 [GeForce2 MX/MX 400] (rev b2) (prog-if 00 [VGA])
\tFlags: bus master, 66MHz, medium devsel, latency 248, IRQ 11
"""

    network, graphics = lspci.parse(listing)

    assert network.driver == "8139too"
    assert graphics.driver == ""
    assert graphics.revision == "b2"


def test_machine_readable_forms():
    quoted = '00:00.0 "Host bridge" "Intel Corporation" "440FX - 82441FX PMC [Natoma]" -r02 "" ""\n'
    vmm = (
        "Slot:\t00:01.0\nClass:\tISA bridge\nVendor:\tIntel Corporation\n"
        "Device:\t82371SB PIIX3 ISA [Natoma/Triton II]\n"
        "SVendor:\tRed Hat, Inc.\nSDevice:\tQemu virtual machine\n\n"
        "Slot:\t00:02.0\nClass:\tVGA compatible controller\nVendor:\tCirrus Logic\nDevice:\tGD 5446\nRev:\t00\n"
        "Driver:\tcirrus\n"
    )

    (host,) = lspci.parse(quoted)
    isa, vga = lspci.parse(vmm)

    assert (host.slot, host.device_class, host.vendor, host.name, host.revision) == (
        "00:00.0",
        "Host bridge",
        "Intel Corporation",
        "440FX - 82441FX PMC [Natoma]",
        "02",
    )
    assert (isa.slot, isa.vendor, isa.name, isa.revision) == (
        "00:01.0",
        "Intel Corporation",
        "82371SB PIIX3 ISA [Natoma/Triton II]",
        "",
    )
    assert (vga.vendor, vga.name, vga.revision, vga.driver) == ("Cirrus Logic", "GD 5446", "00", "cirrus")


def test_proc_pci_of_a_2_4_kernel():
    listing = """\
PCI devices found:
  Bus  0, device   0, function  0:
    Host bridge: Intel Corporation 440BX/ZX - 82443BX/ZX Host bridge (rev 3).
      Master Capable.  Latency=64.
      Prefetchable 32 bit memory at 0xe0000000 [0xe3ffffff].
  Bus  1, device   0, function  0:
    VGA compatible controller: Matrox Graphics, Inc. MGA G400 AGP (rev 4).
      IRQ 11.
"""

    host, vga = lspci.parse(listing)

    assert (host.slot, host.device_class, host.vendor, host.revision) == (
        "00:00.0",
        "Host bridge",
        "Intel Corporation",
        "3",
    )
    assert host.name == "440BX/ZX - 82443BX/ZX Host bridge"
    assert (vga.slot, vga.vendor, vga.name) == ("01:00.0", "Matrox Graphics, Inc.", "MGA G400 AGP")


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   \n\n\t",
        "hello, my computer does not boot",
        "[    0.000000] Linux version 2.4.8-26mdk (quintela@bi.mandrakesoft.com)",
        "00:00.0",
        '00:00.0 "unbalanced quote',
        '00:00.0 "one" "two"',
        "Slot:\tnot-a-slot\nClass:\tX\n",
        "Bus 99999999999999999999, device 1, function 1:\n",
        "\x00\x01\x02\xff\ufffd" * 1000,
        "00:00.0 " + "x" * 100_000,
        ")" * 5000 + "(rev " * 5000,
        None,
        12,
        b"00:00.0 Host bridge: Intel",
        ["00:00.0 Host bridge: Intel"],
    ],
)
def test_garbage_never_crashes_and_gives_no_device(garbage):
    assert lspci.parse(garbage) == []


@pytest.mark.parametrize(
    "line",
    ["00:00.0 a: " + "Inc. " * 10_000, "00:00.0 a: " + "Corporation" * 2000 + " x", "00:00.0 a: " + "(rev " * 5000],
)
def test_pathological_lines_are_read_quickly_as_one_clipped_device(line):
    started = time.monotonic()

    (device,) = lspci.parse(line)

    assert time.monotonic() - started < 1
    assert device.device_class == "a"
    assert len(device.vendor) <= lspci.MAX_TEXT
    assert len(device.name) <= lspci.MAX_TEXT


def test_garbage_lines_between_real_ones_are_skipped():
    listing = "random words\n" + PLAIN + "\x00\x07 more junk: here\n   indented junk\n"

    assert len(lspci.parse(listing)) == 5


def test_output_is_bounded():
    line = "00:00.0 Host bridge: Intel Corporation 440BX (rev 03)\n"

    devices = lspci.parse(line * 10_000)

    assert len(devices) <= lspci.MAX_DEVICES
    assert all(len(value) <= lspci.MAX_TEXT for value in devices[0].as_dict().values())


def test_long_names_are_clipped():
    (device,) = lspci.parse("00:00.0 Host bridge: " + "Intel " * 100)

    assert len(device.name) == lspci.MAX_TEXT
