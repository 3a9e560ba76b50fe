"""Pure helpers of the benchmark: percentiles and the plain-text tables it prints."""

from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` between 0 and 1) of a non-empty list."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(timings_ms: Sequence[float]) -> dict:
    return {
        "p50_ms": round(percentile(timings_ms, 0.5), 2),
        "p95_ms": round(percentile(timings_ms, 0.95), 2),
    }


def ratio(value: float | None, reference: float | None) -> float | None:
    if not value or not reference:
        return None
    return round(value / reference, 3)


def _cell(value, fmt: str) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(value, fmt)
    return str(value)


def table(columns: Sequence[tuple[str, str, str]], rows: Sequence[dict]) -> list[str]:
    """Lines of a table: `columns` are (header, key, number format); the first column is
    left-aligned, the others right-aligned, each as wide as its widest cell."""
    cells = [[_cell(row.get(key), fmt) for _header, key, fmt in columns] for row in rows]
    widths = [
        max([len(header), *(len(line[number]) for line in cells)])
        for number, (header, _key, _fmt) in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        first, *others = values
        parts = [first.ljust(widths[0])]
        parts += [value.rjust(width) for value, width in zip(others, widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    header = line([header for header, _key, _fmt in columns])
    return [header, "-" * len(header), *(line(values) for values in cells)]
