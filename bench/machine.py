"""What a benchmark ran on: CPU model, cores, load; benchmarks print it next to their figures."""

from __future__ import annotations

import os
import platform


def cpu_description() -> str:
    """E.g. "AMD EPYC, 2 cores, load average 0.52 0.61 0.40"."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            model = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, load average {load}"
