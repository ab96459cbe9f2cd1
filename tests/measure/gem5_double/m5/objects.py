"""TEST DOUBLE of gem5's `m5.objects` (gem5 is absent here).

The SimObjects simulator/gem5_skylake.py uses, with gem5's parameter and port names, so a
misspelt parameter fails here as it would in gem5 ("has no parameter"). Objects record their
values and port connections; `m5.instantiate()` writes the tree as JSON for the tests.
With M5_DOUBLE_API=old the names of older gem5 releases are offered instead (DerivO3CPU,
BTBEntries/RASSize, slave/master ports, DRAM models without MemCtrl, no SEWorkload).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, ClassVar

OLD_API = os.environ.get("M5_DOUBLE_API") == "old"
CONNECTIONS: list[tuple[PortRef, PortRef]] = []


class PortRef:
    """One end of a port connection."""

    def __init__(self, owner: SimObject, name: str) -> None:
        self.owner = owner
        self.name = name

    def path(self) -> str:
        return f"{self.owner.path()}.{self.name}"


class SimObject:
    _params: ClassVar[dict[str, Any]] = {}
    _ports: ClassVar[tuple[str, ...]] = ()
    # params whose default is a fresh child object
    _child_defaults: ClassVar[dict[str, type[SimObject]]] = {}

    def __init__(self, **kwargs: Any) -> None:
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_children", {})
        object.__setattr__(self, "_parent", None)
        for name, cls in self.all_child_defaults().items():
            setattr(self, name, cls())
        for name, value in kwargs.items():
            setattr(self, name, value)

    @classmethod
    def all_params(cls) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            merged.update(getattr(klass, "_params", {}))
        return merged

    @classmethod
    def all_ports(cls) -> set[str]:
        return {p for klass in cls.__mro__ for p in getattr(klass, "_ports", ())}

    @classmethod
    def all_child_defaults(cls) -> dict[str, type[SimObject]]:
        merged: dict[str, type[SimObject]] = {}
        for klass in reversed(cls.__mro__):
            merged.update(getattr(klass, "_child_defaults", {}))
        return merged

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name in self.all_ports():
            if not isinstance(value, PortRef):
                raise TypeError(f"{type(self).__name__}.{name} must be connected to a port")
            CONNECTIONS.append((PortRef(self, name), value))
        elif name in self.all_params():
            self._check(name, value)
            self._values[name] = value
            self._adopt(name, value)
        elif isinstance(value, SimObject) or (
            isinstance(value, list) and value and all(isinstance(v, SimObject) for v in value)
        ):
            self._children[name] = value
            self._adopt(name, value)
        else:
            raise AttributeError(f"Class {type(self).__name__} has no parameter {name}")

    def _adopt(self, name: str, value: Any) -> None:
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, SimObject):
                label = name if len(items) == 1 else f"{name}{index}"
                object.__setattr__(item, "_parent", (self, label))

    def _check(self, name: str, value: Any) -> None:
        kind = self.all_params()[name]
        if kind == "memory_size" and not re.fullmatch(r"\d+(KiB|MiB|GiB|kB|MB|GB|B)", value):
            raise ValueError(f"{type(self).__name__}.{name}: bad memory size {value!r}")
        if kind == "clock" and not re.fullmatch(r"[\d.]+(GHz|MHz)", value):
            raise ValueError(f"{type(self).__name__}.{name}: bad clock {value!r}")
        if isinstance(kind, tuple) and value not in kind:
            raise ValueError(f"{type(self).__name__}.{name}: {value!r} is not one of {kind}")
        if kind == "int" and not (isinstance(value, int) and value >= 0):
            raise ValueError(f"{type(self).__name__}.{name}: {value!r} is not a count")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self.all_ports():
            return PortRef(self, name)
        if name in self._values:
            return self._values[name]
        if name in self._children:
            return self._children[name]
        if name in self.all_params():
            raise AttributeError(f"{type(self).__name__}.{name} is not set")
        raise AttributeError(f"Class {type(self).__name__} has no parameter {name}")

    def path(self) -> str:
        if self._parent is None:
            return "root"
        parent, label = self._parent
        prefix = parent.path()
        return label if prefix == "root" else f"{prefix}.{label}"

    def descendants(self) -> list[SimObject]:
        found: list[SimObject] = [self]
        for value in [*self._values.values(), *self._children.values()]:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, SimObject):
                    found.extend(item.descendants())
        return found

    def record(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, SimObject):
                return value.path()
            if isinstance(value, list):
                return [plain(v) for v in value]
            if isinstance(value, AddrRange):
                return value.size
            return value

        return {
            "type": type(self).__name__,
            "params": {k: plain(v) for k, v in self._values.items()},
        }


class AddrRange:
    def __init__(self, size: str) -> None:
        if not re.fullmatch(r"\d+(KiB|MiB|GiB|kB|MB|GB)", size):
            raise ValueError(f"AddrRange: bad size {size!r}")
        self.size = size


class VoltageDomain(SimObject):
    pass


class SrcClockDomain(SimObject):
    _params: ClassVar[dict[str, Any]] = {"clock": "clock", "voltage_domain": "object"}


class Prefetcher(SimObject):
    pass


class StridePrefetcher(Prefetcher):
    pass


class TaggedPrefetcher(Prefetcher):
    pass


class Cache(SimObject):
    _params: ClassVar[dict[str, Any]] = {
        "size": "memory_size",
        "assoc": "int",
        "tag_latency": "int",
        "data_latency": "int",
        "response_latency": "int",
        "mshrs": "int",
        "tgts_per_mshr": "int",
        "write_buffers": "int",
        "prefetcher": "object",
        "is_read_only": "bool",
        "writeback_clean": "bool",
        "clusivity": ("mostly_incl", "mostly_excl"),
    }
    _ports = ("cpu_side", "mem_side")


class BaseXBar(SimObject):
    _ports = ("slave", "master") if OLD_API else ("cpu_side_ports", "mem_side_ports")


class L2XBar(BaseXBar):
    pass


class SystemXBar(BaseXBar):
    pass


class SimpleBTB(SimObject):
    _params: ClassVar[dict[str, Any]] = {"numEntries": "int"}


class ReturnAddrStack(SimObject):
    _params: ClassVar[dict[str, Any]] = {"numEntries": "int"}


class LTAGE(SimObject):
    if OLD_API:
        _params: ClassVar[dict[str, Any]] = {"BTBEntries": "int", "RASSize": "int"}
    else:
        _params = {"btb": "object", "ras": "object"}
        _child_defaults: ClassVar[dict[str, type[SimObject]]] = {
            "btb": SimpleBTB,
            "ras": ReturnAddrStack,
        }


class Walker(SimObject):
    _ports = ("port",)


class X86TLB(SimObject):
    _child_defaults: ClassVar[dict[str, type[SimObject]]] = {"walker": Walker}


class X86MMU(SimObject):
    _child_defaults: ClassVar[dict[str, type[SimObject]]] = {"itb": X86TLB, "dtb": X86TLB}


class X86LocalApic(SimObject):
    _ports = ("pio", "int_requestor", "int_responder", "int_master", "int_slave")


class Process(SimObject):
    _params: ClassVar[dict[str, Any]] = {
        "executable": "str",
        "cmd": "list",
        "input": "str",
        "output": "str",
        "errout": "str",
        "cwd": "str",
        "env": "list",
    }


class BaseO3CPU(SimObject):
    _params: ClassVar[dict[str, Any]] = {
        **{
            name: "int"
            for name in (
                "fetchWidth",
                "decodeWidth",
                "renameWidth",
                "dispatchWidth",
                "issueWidth",
                "wbWidth",
                "commitWidth",
                "numROBEntries",
                "numIQEntries",
                "LQEntries",
                "SQEntries",
                "numPhysIntRegs",
                "numPhysFloatRegs",
            )
        },
        "branchPred": "object",
        "workload": "object",
    }
    _ports = ("icache_port", "dcache_port")
    _child_defaults: ClassVar[dict[str, type[SimObject]]] = {"mmu": X86MMU}

    def addPrivateSplitL1Caches(
        self, ic: Cache, dc: Cache, iwc: Cache | None = None, dwc: Cache | None = None
    ) -> None:
        self.icache = ic
        self.dcache = dc
        self.icache_port = ic.cpu_side
        self.dcache_port = dc.cpu_side
        self._cached_ports = [
            "icache.mem_side",
            "dcache.mem_side",
            "mmu.itb.walker.port",
            "mmu.dtb.walker.port",
        ]

    def createInterruptController(self) -> None:
        self.interrupts = [X86LocalApic()]

    def _connect(self, dotted: str, peer: PortRef) -> None:
        owner: Any = self
        *parents, port = dotted.split(".")
        for part in parents:
            owner = getattr(owner, part)
        setattr(owner, port, peer)

    def connectAllPorts(self, *buses: Any) -> None:
        apic = self.interrupts[0]
        if OLD_API:  # connectAllPorts(cached_bus, uncached_bus)
            if len(buses) != 2 or not all(isinstance(b, BaseXBar) for b in buses):
                raise TypeError("connectAllPorts(cached_bus, uncached_bus)")
            cached, uncached = buses
            for dotted in self._cached_ports:
                self._connect(dotted, cached.slave)
            apic.pio = uncached.master
            apic.int_slave = uncached.master
            apic.int_master = uncached.slave
            return
        if len(buses) != 3 or not all(isinstance(b, PortRef) for b in buses):
            raise TypeError("connectAllPorts(cached_in, uncached_in, uncached_out)")
        cached_in, uncached_in, uncached_out = buses
        for dotted in self._cached_ports:
            self._connect(dotted, cached_in)
        apic.pio = uncached_out
        apic.int_requestor = uncached_in
        apic.int_responder = uncached_out

    def createThreads(self) -> None:
        if "workload" not in self._values:
            raise RuntimeError("createThreads() before the workload is set")
        self._threads = 1


class X86O3CPU(BaseO3CPU):
    pass


class DerivO3CPU(BaseO3CPU):
    pass


class DRAMInterface(SimObject):
    _params: ClassVar[dict[str, Any]] = {"range": "object"}
    _ports = ("port",) if OLD_API else ()


class DDR4_2400_8x8(DRAMInterface):
    pass


class MemCtrl(SimObject):
    _params: ClassVar[dict[str, Any]] = {"dram": "object"}
    _ports = ("port",)


class X86EmuLinux(SimObject):
    pass


class SEWorkload(SimObject):
    @classmethod
    def init_compatible(cls, path: str) -> SimObject:
        """Like gem5: an x86-64 ELF gets the X86 Linux SE workload, anything else fails."""
        head = Path(path).read_bytes()[:20]
        if head[:4] != b"\x7fELF" or int.from_bytes(head[18:20], "little") != 62:
            raise ValueError(f"No SE workload is compatible with {path}")
        return X86EmuLinux()


class System(SimObject):
    _params: ClassVar[dict[str, Any]] = {
        "clk_domain": "object",
        "mem_mode": ("timing", "atomic"),
        "mem_ranges": "list",
        "cache_line_size": "int",
        "workload": "object",
    }
    _ports = ("system_port",)


class Root(SimObject):
    instance: ClassVar[Root | None] = None
    _params: ClassVar[dict[str, Any]] = {"full_system": "bool", "system": "object"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        Root.instance = self


if OLD_API:
    del X86O3CPU, MemCtrl, SEWorkload
