"""Access-code letters: CPU per letter on the batched path, in each language, against one
WeasyPrint document per letter.

Prints "N ms per letter" for both paths in one run, their ratio, the machine, and the target of
issue 16: at most 35 ms of CPU per access-code letter, in French, Dutch and German
(docs/performance.md#one-page-letters). The batched
path is what a Prefect task does: ``render_batch`` on batches of ``--batch-size`` letters
(with HarfBuzz: renders of templates.render.LETTERS_PER_LAYOUT letters, each letter written from
the layout; with fontTools: one render and one pypdf split per batch), on ``--workers``
processes. The other path renders one WeasyPrint document per letter, for a sample
(``--sample``) in one process.

Both wall time and CPU time are printed: the machine is shared, and CPU time per letter is
the figure that does not depend on what else runs (nor on the number of workers).

    PYTHONPATH=. python bench/render.py                       # 1,000 letters a language,
                                                              # sample of 30
    PYTHONPATH=. python bench/render.py --sweep               # + the cost of WeasyPrint options
    PYTHONPATH=. python bench/render.py --subsetter fonttools # as on a machine without
                                                              # libharfbuzz-subset0

Never asserted in the test suite: bench/ prints figures (docs/performance.md#benchmarks).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context

import pypdf
import weasyprint
import weasyprint.pdf.fonts

from bench.machine import cpu_description
from models.credentials import generate_password, hash_password
from procedure import KNOWN_EDITIONS
from templates.context import EditionInfo, LetterContext, sample_context
from templates.render import render_batch

EDITION = EditionInfo.of(KNOWN_EDITIONS[2028])
TARGET_CPU_MS = 35
SWEEP = {
    "PDF/UA-1 (default)": {},
    "untagged (no pdf_variant)": {"pdf_variant": None},
    "hinting=True": {"hinting": True},
    "full_fonts=True": {"full_fonts": True},
    "uncompressed_pdf=True": {"uncompressed_pdf": True},
    "optimize_images=True": {"optimize_images": True},
    "presentational_hints=True": {"presentational_hints": True},
}


def contexts(count: int, language: str, first: int = 1) -> list[LetterContext]:
    """Fictitious dossiers, alternating bodies, half with a day Y, each with a password."""
    return [
        sample_context(
            EDITION,
            language=language,
            body=("CPPT", "CE")[i % 2],
            serial=i,
            election_day=date(2028, 5, 9) if i % 2 else None,
            password=generate_password(),
            issued_on=date(2027, 11, 15),
            specimen=False,
        )
        for i in range(first, first + count)
    ]


def _render_batches(batches: list[list[LetterContext]]) -> tuple[int, float, int]:
    """Worker: render the batches; return letters, CPU seconds and bytes written."""
    started = time.process_time()
    size = letters = 0
    for batch in batches:
        documents = render_batch("access-code", batch)
        letters += len(documents)
        size += sum(len(d.pdf) for d in documents)
    return letters, time.process_time() - started, size


def batched(letters: list[LetterContext], batch_size: int, workers: int) -> dict[str, float]:
    batches = [letters[i : i + batch_size] for i in range(0, len(letters), batch_size)]
    shares = [batches[w::workers] for w in range(workers)]
    started = time.perf_counter()
    # fork: the workers inherit the warmed-up parent (fonts, templates), like a running worker.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        results = list(pool.map(_render_batches, shares))
    wall = time.perf_counter() - started
    count = sum(r[0] for r in results)
    return {
        "wall_ms": wall * 1000 / count,
        "cpu_ms": sum(r[1] for r in results) * 1000 / count,
        "kb": sum(r[2] for r in results) / 1024 / count,
        "batches": len(batches),
    }


def one_per_letter(letters: list[LetterContext], options: dict | None = None) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    size = sum(len(render_batch("access-code", [c], pdf_options=options)[0].pdf) for c in letters)
    return {
        "wall_ms": (time.perf_counter() - wall) * 1000 / len(letters),
        "cpu_ms": (time.process_time() - cpu) * 1000 / len(letters),
        "kb": size / 1024 / len(letters),
    }


def sweep(language: str, batch_size: int) -> None:
    """CPU ms per letter of one batch under each option set (best of two runs)."""
    letters = contexts(batch_size, language, first=5000)
    print(f"\nWeasyPrint options, one batch of {batch_size} letters, 1 process (best of 2):")
    for name, options in SWEEP.items():
        best = float("inf")
        for _ in range(2):
            cpu = time.process_time()
            documents = render_batch("access-code", letters, pdf_options=options)
            best = min(best, (time.process_time() - cpu) * 1000 / len(letters))
        size = sum(len(d.pdf) for d in documents) / 1024 / len(documents)
        print(f"  {name:28s} {best:6.1f} ms CPU per letter, {size:5.1f} kB per letter")


def hash_cpu_ms(count: int = 30) -> float:
    """CPU ms of one argon2id hash at the project's parameters, in this run: the machine's speed
    of the moment (~27 ms when idle, docs/performance.md#password-hashing), since CPU time per
    letter on a shared virtual machine varies by a third from one run to the next."""
    started = time.process_time()
    for _ in range(count):
        hash_password("x" * 16)
    return (time.process_time() - started) * 1000 / count


def subsetter() -> str:
    """The font subsetter WeasyPrint uses in this run: every figure depends on it."""
    return "HarfBuzz" if weasyprint.pdf.fonts.harfbuzz_subset else "fontTools"


def machine() -> str:
    return (
        f"machine: {cpu_description()}; Python {platform.python_version()}, WeasyPrint "
        f"{weasyprint.__version__} (font subsetting: {subsetter()}), pypdf {pypdf.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--language", choices=("fr", "nl", "de"), action="append", help="default: all three"
    )
    parser.add_argument("--sweep", action="store_true", help="also measure WeasyPrint options")
    parser.add_argument(
        "--subsetter",
        choices=("harfbuzz", "fonttools"),
        default="harfbuzz",
        help="fonttools: force WeasyPrint's fallback, as on a machine without "
        "libharfbuzz-subset0 (bench only)",
    )
    args = parser.parse_args()
    if args.subsetter == "fonttools":
        weasyprint.pdf.fonts.harfbuzz_subset = None  # WeasyPrint then subsets with fontTools
    print(machine())
    languages = args.language or ["fr", "nl", "de"]
    for language in languages:
        render_batch("access-code", contexts(2, language, first=9000))  # warm up (imports,
        # fonts, templates), as a running worker is
    met = []
    reference = hash_cpu_ms()
    print(f"reference: one argon2id hash takes {reference:.1f} ms CPU in this run")
    for language in languages:
        result = batched(contexts(args.letters, language), args.batch_size, args.workers)
        print(
            f"{language}: batched path, {args.letters} access-code letters, {result['batches']} "
            f"batches of {args.batch_size}, {args.workers} worker process(es): "
            f"{result['wall_ms']:.1f} ms per letter ({result['cpu_ms']:.1f} ms CPU per letter, "
            f"{result['kb']:.1f} kB per letter; {subsetter()} subsetting)"
        )
        single = one_per_letter(contexts(args.sample, language, first=args.letters + 1))
        print(
            f"{language}: one WeasyPrint document per letter (sample of {args.sample}, 1 "
            f"process): {single['wall_ms']:.1f} ms per letter ({single['cpu_ms']:.1f} ms CPU "
            f"per letter); batched ÷ single, CPU: {result['cpu_ms'] / single['cpu_ms']:.2f}; "
            f"a letter costs {result['cpu_ms'] / reference:.2f} argon2id hashes"
        )
        met.append(result["cpu_ms"] <= TARGET_CPU_MS)
    print(
        f"target (<= {TARGET_CPU_MS} ms CPU per access-code letter, batched, in "
        f"{', '.join(languages)}): {'met' if all(met) else 'not met'}"
    )
    if args.sweep:
        sweep(languages[0], min(args.batch_size, 60))


if __name__ == "__main__":
    main()
