"""Charts drawn on the server as SVG from stored figures (STYLE.md: no JavaScript build): the
templates draw what these functions measure out, and print the numbers beside them."""

from decimal import Decimal

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 320, 150, 28, 22, 8


def band(score) -> str:
    """The shade of a score: 0-19 ... 80-100, or none."""
    if score is None:
        return "band-none"
    return f"band-{min(4, int(Decimal(score) // 20))}"


def _x(i: int, n: int) -> float:
    inner = WIDTH - PAD_LEFT - 8
    return PAD_LEFT + (inner * i / (n - 1) if n > 1 else inner / 2)


def _y(value, top: Decimal) -> float:
    inner = HEIGHT - PAD_BOTTOM - PAD_TOP
    share = min(max(Decimal(value) / top, Decimal(0)), Decimal(1))
    return round(PAD_TOP + inner * (1 - float(share)), 1)


def line_chart(labels: list[str], series: list[tuple[str, str, list]], top=Decimal(100)) -> dict:
    """A line per series (name, css class, values; None leaves a gap) over the labelled months,
    on a 0-`top` scale."""
    n = len(labels)
    lines = []
    for name, css, values in series:
        segments, current, dots = [], [], []
        for i, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            point = (round(_x(i, n), 1), _y(value, top))
            current.append(point)
            dots.append(point)
        if current:
            segments.append(current)
        lines.append(
            {
                "name": name,
                "css": css,
                "segments": [" ".join(f"{x},{y}" for x, y in s) for s in segments if len(s) > 1],
                "dots": dots,
            }
        )
    step = max(1, n // 4)
    ticks = [{"x": round(_x(i, n), 1), "label": labels[i]} for i in range(0, n, step)]
    grid = [{"y": _y(top * k / 4, top), "label": f"{top * k / 4:g}"} for k in range(5)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "lines": lines,
        "ticks": ticks,
        "grid": grid,
        "left": PAD_LEFT,
        "right": WIDTH - 8,
        "baseline": HEIGHT - PAD_BOTTOM,
        "label_y": HEIGHT - 6,
    }


def bar(score, width: int = 100) -> dict:
    """A horizontal bar of a 0-100 score."""
    length = 0 if score is None else round(float(min(max(Decimal(score), 0), 100)) * width / 100, 1)
    return {"width": width, "length": length, "band": band(score)}
