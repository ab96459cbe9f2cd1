"""What one loop iteration costs in gem5's fetch: probe loops of known bytes and micro-ops.

`python benchmarks/gem5_fetch_probe.py [--json OUT]` builds small programs whose hot loop
is inline assembly (1-micro-op `lea`/`add` bodies of chosen encodings, `add $1` for two
micro-ops, then `dec %rcx; jnz`), aligned to 64 bytes, with the project's Builder; runs
each in real gem5 in the project's configuration (`Gem5Measurer`: simulator/gem5_skylake.py,
aligned Verbatim Skylake) at two iteration counts; and prints cycles per iteration (the
difference over the difference, so start-up cancels) next to the fetch rule of
docs/GEM5_STATS.md:

- a loop wholly inside one 16-byte fetch block costs ceil(micro-ops / 4) cycles per
  iteration (no icache access; fetchWidth 4 micro-ops; a taken branch ends the cycle);
- otherwise every 16-byte block the path enters costs 3 + ceil(its micro-ops / 4) cycles
  (a new icache access for the fetch buffer, then fetch cycles of 4 micro-ops); an
  instruction that straddles two blocks counts in the block where it ends, and costs one
  more cycle in the block where it starts when that block's micro-ops fill whole fetch
  cycles (fetch asks for the next block only once it runs out of the buffer's bytes);
- a dependency chain longer than that bounds the loop instead (the chained probe: four
  dependent 1-cycle adds run at 4 cycles per iteration where fetch would allow 2).

gem5 is found as the product finds it (PIE_GEM5=../shared/gem5/gem5.fast); without it the
script stops with the product's message. Two gem5 processes at a time; run it nice'd.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
from pathlib import Path

from attrs import frozen

from pie_lsp.build import Binary, Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import PieError
from pie_lsp.measure.gem5 import Gem5Measurer
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import load
from pie_lsp.verify import TestCase

FETCH_BLOCK = 16
FETCH_WIDTH = 4
COUNTS = (20000, 60000)
DIVISION_COUNTS = (10000, 30000)
# (assembly, bytes, gem5 micro-ops) of the instructions the probes use; registers are
# fixed (clobbered) so that the encodings are known.
REGISTERS = ("rax", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11")
REGISTERS32 = ("eax", "edx", "esi", "edi")
LOOP_END = (("dec %%rcx", 3, 1), ("jnz 1b", 2, 3))

SOURCE = """\
#include <cstdio>
int main() {
    long n = 0;
    if (std::scanf("%ld", &n) != 1) return 1;
    asm volatile(
        "  .p2align 6\\n"
        PAD
        "1:\\n"
        BODY
        "  dec %%rcx\\n"
        "  jnz 1b\\n"
        : "+c"(n)
        :
        : "cc", "rax", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
    std::puts("ok");
    return 0;
}
"""


DIVISION_SOURCE = """\
#include <cstdio>
int main() {
    long n = 0, a = 0, d = 0;
    if (std::scanf("%ld %ld %ld", &n, &a, &d) != 3) return 1;
    unsigned long sum = 0;
    asm volatile(
        "  .p2align 6\\n"
        "1:\\n"
        "  mov %[a], %%rax\\n"
        "  xor %%edx, %%edx\\n"
        "  OP %[d]\\n"
        "  add %%rax, %[s]\\n"
        "  dec %[n]\\n"
        "  jnz 1b\\n"
        : [n] "+r"(n), [s] "+r"(sum)
        : [a] "r"(a), [d] "r"(d)
        : "cc", "rax", "rdx");
    std::printf("%lu\\n", sum);
    return 0;
}
"""
DIVISOR = 3
# Quotients of k one bits (2^k - 1): gem5's `div2` steps follow the quotient's one bits.
QUOTIENT_ONES = (1, 4, 8, 16, 32, 60)


def division_loops(quotient: int) -> int:
    """Iterations of the microcode loop of gem5's DIV (docs/ESTIMATE.md, cause 3)."""
    steps = bin(quotient).count("1") + (quotient % 2 == 0)
    return max(1, -(-(steps - 1) // 4))


@frozen
class Probe:
    name: str
    body: tuple[tuple[str, int, int], ...]  # (assembly, bytes, micro-ops)
    pad: int = 0  # bytes of nops between the 64-byte boundary and the loop (run once)
    chain: int = 0  # cycles of the longest dependency chain per iteration, where it binds

    def source(self) -> str:
        body = "".join(f'"  {asm}\\n"' for asm, _, _ in self.body)
        pad = f'"  .skip {self.pad}, 0x90\\n"' if self.pad else '""'
        return SOURCE.replace("BODY", body).replace("PAD", pad)

    def loop(self) -> list[tuple[int, int, int]]:
        """(offset of the first byte, of the last byte, micro-ops) of every instruction of
        the loop."""
        out, at = [], self.pad
        for _, size, uops in (*self.body, *LOOP_END):
            out.append((at, at + size - 1, uops))
            at += size
        return out

    def predicted(self) -> float:
        """Cycles per iteration by the rule (module docstring)."""
        loop = self.loop()
        first, last = self.pad // FETCH_BLOCK, loop[-1][1] // FETCH_BLOCK
        if first == last:
            fetch = math.ceil(sum(uops for _, _, uops in loop) / FETCH_WIDTH)
            return float(max(fetch, self.chain))
        total = 0
        for block in range(first, last + 1):
            # micro-ops of the instructions ending in the block; an instruction starting
            # in it and ending in the next is read in one more fetch cycle when the
            # block's micro-ops fill whole cycles (the next fill is asked for only once
            # fetch runs out of the buffer's bytes)
            uops = sum(u for _, end, u in loop if end // FETCH_BLOCK == block)
            straddles = any(
                start // FETCH_BLOCK == block < end // FETCH_BLOCK for start, end, _ in loop
            )
            cycles = math.ceil(uops / FETCH_WIDTH)
            total += 3 + cycles + (straddles and uops > 0 and uops % FETCH_WIDTH == 0)
        return float(max(total, self.chain))


def lea(k: int, wide: bool) -> tuple[tuple[str, int, int], ...]:
    disp, size = ("0x1000", 7) if wide else ("1", 4)
    regs = [REGISTERS[i % len(REGISTERS)] for i in range(k)]
    return tuple((f"lea {disp}(%%{r}),%%{r}", size, 1) for r in regs)


def add(k: int, chained: bool = False) -> tuple[tuple[str, int, int], ...]:
    """k 2-byte adds: into %edx and %edi alternately from registers never written (a
    chain of k / 2 per iteration), or one chain through four registers."""
    if chained:
        regs = REGISTERS32
        return tuple((f"add %%{regs[i % 4]},%%{regs[(i + 1) % 4]}", 2, 1) for i in range(k))
    pairs = (("eax", "edx"), ("esi", "edi"))
    return tuple((f"add %%{pairs[i % 2][0]},%%{pairs[i % 2][1]}", 2, 1) for i in range(k))


def add_imm(k: int) -> tuple[tuple[str, int, int], ...]:
    return tuple((f"add $1,%%{REGISTERS32[i % 4]}", 3, 2) for i in range(k))


PROBES = (
    Probe("2 lea (4 B)", lea(2, False)),
    Probe("2 lea (4 B), loop at offset 12", lea(2, False), pad=12),
    Probe("3 lea (4 B)", lea(3, False)),
    Probe("4 lea (4 B)", lea(4, False)),
    Probe("2 lea (7 B)", lea(2, True)),
    Probe("8 lea (4 B)", lea(8, False)),
    Probe("4 lea (7 B)", lea(4, True)),
    Probe("8 lea (7 B)", lea(8, True)),
    Probe("12 lea (4 B)", lea(12, False)),
    Probe("12 lea (7 B)", lea(12, True)),
    Probe("16 lea (4 B)", lea(16, False)),
    Probe("4 add (2 B)", add(4)),
    Probe("4 add (2 B), one dependency chain", add(4, chained=True), chain=4),
    Probe("6 add (2 B)", add(6)),
    Probe("8 add (2 B)", add(8)),
    Probe("16 add (2 B)", add(16)),
    Probe("4 add $1 (3 B, 2 uops)", add_imm(4)),
    Probe("8 add $1 (3 B, 2 uops)", add_imm(8)),
)


async def main(args: argparse.Namespace) -> int:
    settings = load(Path.cwd(), {"sandbox": {"isolate": False}})
    cache = Cache(settings.cache)
    slots = asyncio.Semaphore(args.jobs)
    sandbox = Sandbox(False)
    try:
        gem5 = Gem5Measurer.from_settings(settings, sandbox, cache, slots)
    except PieError as exc:
        print(f"gem5_fetch_probe: {exc.message}\n  {exc.hint or ''}", file=sys.stderr)
        print("  (set PIE_GEM5=../shared/gem5/gem5.fast)", file=sys.stderr)
        return 2
    builder = Builder(settings.build, sandbox, cache)
    building = asyncio.Lock()
    results: dict[str, dict[str, float]] = {}
    divisions: dict[tuple[str, int], dict[str, float]] = {}

    with tempfile.TemporaryDirectory() as tmp:

        async def cycles(
            binary: Binary, n: int, stdin: str = "", expected: int | None = None
        ) -> float:
            folder = Path(tmp) / f"{binary.sha256[:16]}-{stdin or n}".replace(" ", "-")
            folder.mkdir()
            (folder / "input.txt").write_text(f"{stdin or n}\n")
            out = "ok" if expected is None else str(expected % (1 << 64))
            (folder / "output.txt").write_text(out + "\n")
            case = TestCase(str(n), folder / "input.txt", folder / "output.txt")
            async with slots:
                with gem5.run_sandbox.scratch("gem5") as work:
                    gem5.prepare(work, binary, case)
                    run = await gem5.run_sandbox.run(
                        gem5.command(work), cwd=work, limits=gem5.limits(), env=gem5.environment()
                    )
                    timing = gem5.interpret(case, work, run)
            assert timing.cycles is not None
            return timing.cycles

        async def one(probe: Probe) -> None:
            async with building:
                binary = await builder.build(probe.source(), label=probe.name)
            low, high = await asyncio.gather(*(cycles(binary, n) for n in COUNTS))
            measured = (high - low) / (COUNTS[1] - COUNTS[0])
            loop = probe.loop()
            results[probe.name] = {
                "bytes": float(loop[-1][1] + 1 - probe.pad),
                "uops": float(sum(u for _, _, u in loop)),
                "measured": round(measured, 3),
                "predicted": probe.predicted(),
            }
            print(f"{probe.name}: {results[probe.name]}", file=sys.stderr, flush=True)

        async def division(op: str, ones: int) -> None:
            async with building:
                source = DIVISION_SOURCE.replace("OP", op)
                binary = await builder.build(source, label=f"{op} probe")
            quotient = (1 << ones) - 1
            low, high = await asyncio.gather(
                *(
                    cycles(binary, n, f"{n} {quotient * DIVISOR} {DIVISOR}", n * quotient)
                    for n in DIVISION_COUNTS
                )
            )
            loops = division_loops(quotient)
            divisions[(op, ones)] = {
                "loops": float(loops),
                "int_div_uops": float(3 + 4 * loops),
                "uops": float((5 if op == "div" else 24) + 5 * loops),
                "measured": round((high - low) / (DIVISION_COUNTS[1] - DIVISION_COUNTS[0]), 3),
            }
            print(f"{op} {ones} ones: {divisions[(op, ones)]}", file=sys.stderr, flush=True)

        try:
            await asyncio.gather(*(one(p) for p in PROBES))
            await asyncio.gather(
                *(division(op, k) for op in ("div", "idiv") for k in QUOTIENT_ONES)
            )
        finally:
            cache.close()
    print("| loop | bytes | micro-ops | gem5 cycles/iteration | rule |")
    print("|---|---:|---:|---:|---:|")
    for probe in PROBES:
        r = results.get(probe.name)
        if r:
            print(
                f"| {probe.name} | {r['bytes']:.0f} | {r['uops']:.0f} | {r['measured']:.2f} | "
                f"{r['predicted']:.0f} |"
            )
    print()
    print(
        "| instruction | quotient one bits | microcode loops | IntDiv micro-ops "
        "| micro-ops | gem5 cycles per loop iteration (division + 7 micro-ops of loop) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for (op, ones), r in sorted(divisions.items()):
        print(
            f"| `{op}` | {ones} | {r['loops']:.0f} | {r['int_div_uops']:.0f} | {r['uops']:.0f} "
            f"| {r['measured']:.2f} |"
        )
    if args.json:
        everything = {
            "loops": results,
            "divisions": {f"{op} {ones}": r for (op, ones), r in divisions.items()},
        }
        args.json.write_text(json.dumps(everything, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--jobs", type=int, default=2, help="gem5 processes at once")
    sys.exit(asyncio.run(main(parser.parse_args())))
