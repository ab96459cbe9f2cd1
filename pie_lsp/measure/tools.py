"""valgrind tools of our own: built once per valgrind installation, run from the scratch dir.

Two tools are written in C against valgrind's tool interface: `pie-count` (pie_count.c),
the estimate's counts in one run, and `pie-div` (pie_div.c), gem5's micro-ops of each
division. Each is compiled with the configured compiler against the headers and static
libraries Debian's `valgrind` package ships, into the cache directory, named by what it
was built from. A run gets a VALGRIND_LIB directory inside its scratch directory (what the
sandbox shows): valgrind's own files by symbolic link, the tool the run uses copied in.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from pie_lsp.cache import digest
from pie_lsp.errors import ToolMissing

PLATFORM = "amd64-linux"
HERE = Path(__file__).parent
COUNT_TOOL, DIVISION_TOOL = "pie-count", "pie-div"
# Each tool's one source file (its digest keys the built tool, and what it counts).
SOURCES = {COUNT_TOOL: HERE / "pie_count.c", DIVISION_TOOL: HERE / "pie_div.c"}


def valgrind_dirs() -> tuple[Path, Path]:
    """valgrind's tool directory (callgrind-amd64-linux, ...) and the directory of its
    static libraries for tools (libcoregrind-amd64-linux.a)."""
    candidates = [
        os.environ.get("VALGRIND_LIB", ""),
        "/usr/libexec/valgrind",
        "/usr/lib/x86_64-linux-gnu/valgrind",
        "/usr/lib/valgrind",
        "/usr/lib64/valgrind",
        "/usr/local/libexec/valgrind",
        "/usr/local/lib/valgrind",
    ]
    tools = next(
        (Path(c) for c in candidates if c and (Path(c) / f"callgrind-{PLATFORM}").exists()), None
    )
    libs = next(
        (Path(c) for c in candidates if c and (Path(c) / f"libcoregrind-{PLATFORM}.a").exists()),
        None,
    )
    if (
        tools is None
        or libs is None
        or not Path("/usr/include/valgrind/pub_tool_basics.h").exists()
    ):
        raise ToolMissing(
            "the estimate's valgrind tools need valgrind's tool libraries and headers "
            f"(libcoregrind-{PLATFORM}.a, /usr/include/valgrind/pub_tool_basics.h)",
            hint="install Debian's valgrind package (it ships them), or valgrind-devel elsewhere",
        )
    return tools, libs


@functools.cache
def built_tool(cache_root: str, compiler: str, valgrind: str, name: str) -> Path:
    """The tool `name` built from its source (built once, kept by what it was built from)."""
    source = SOURCES[name]
    _, libs = valgrind_dirs()
    key = digest(
        source.read_bytes(),
        compiler,
        valgrind,
        str(libs),
        str((libs / f"libcoregrind-{PLATFORM}.a").stat().st_mtime_ns),
    )[:16]
    binary = Path(cache_root) / "valgrind-tools" / key / f"{name}-{PLATFORM}"
    if binary.is_file():
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    partial = binary.with_name(f".{binary.name}.{os.getpid()}")
    command = [
        compiler,
        "-x",
        "c",
        "-std=gnu99",
        "-O2",
        "-fno-stack-protector",
        "-fno-builtin",
        "-fno-pic",
        "-fno-PIE",
        "-fno-strict-aliasing",
        "-DVGA_amd64=1",
        "-DVGO_linux=1",
        "-DVGP_amd64_linux=1",
        "-DVGPV_amd64_linux_vanilla=1",
        "-I/usr/include/valgrind",
        str(source),
        "-x",
        "none",
        "-static",
        "-nodefaultlibs",
        "-nostartfiles",
        "-no-pie",
        "-u",
        "_start",
        "-Wl,--build-id=none",
        "-Wl,-Ttext-segment=0x58000000",  # valgrind's tool load address (valgrind.pc)
        "-o",
        str(partial),
        f"-L{libs}",
        f"-lcoregrind-{PLATFORM}",
        f"-lvex-{PLATFORM}",
        "-lgcc",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise ToolMissing(
            f"could not build the estimate's valgrind tool {name} against valgrind",
            hint="check that valgrind's tool libraries and a C compiler are installed",
            details=result.stderr[-2000:],
        )
    partial.replace(binary)  # atomic: a concurrent build finds a whole file or none
    return binary


# What valgrind reads from VALGRIND_LIB besides the tool: callgrind (the profile's runs), the
# core's preload (a dynamically linked program), the default suppressions. Linked one by
# one, not the whole directory's 140 files: a link costs up to a millisecond on some file
# systems, and a run makes its own directory.
VALGRIND_FILES = (f"callgrind-{PLATFORM}", f"vgpreload_core-{PLATFORM}.so", "default.supp")


def library(work: Path, *tools: Path) -> Path:
    """A VALGRIND_LIB directory in `work`: valgrind's files it needs by symbolic link (made
    once), `tools` copied in. Copied, not linked: the program under test can write to
    `work`, and through a hard link it could change the cached tool for later runs."""
    lib = work / "vglib"
    if not lib.is_dir():
        own, _ = valgrind_dirs()
        lib.mkdir()
        for name in VALGRIND_FILES:
            if (own / name).exists():
                (lib / name).symlink_to(own / name)
    for tool in tools:
        if not (lib / tool.name).exists():
            shutil.copy2(tool, lib / tool.name)
    return lib
