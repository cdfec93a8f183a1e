"""Live progress of a run on a terminal: one line per turn, model call, effect, edit and
recovery (colours only on a TTY). A plain event listener."""

from __future__ import annotations

from typing import TextIO

from ..syntax.printer import pr
from . import events as ev

MAX_WIDTH = 100


def one_line(text: str, width: int = MAX_WIDTH) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


class Progress:
    """Writes a readable trace of the run as it happens."""

    def __init__(self, out: TextIO, color: bool | None = None) -> None:
        self.out = out
        self.color = out.isatty() if color is None else color

    def paint(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def __call__(self, event: ev.Event) -> None:
        handler = getattr(self, "on_" + type(event).__name__, None)
        if handler is not None:
            handler(event)

    def on_TurnStarted(self, e: ev.TurnStarted) -> None:
        self.line(self.paint("1", f"turn {e.turn} {e.handle}") + f" ({e.kind})")

    def on_ModelCallFinished(self, e: ev.ModelCallFinished) -> None:
        u = e.usage
        tokens = u.get("input_tokens", 0) + u.get("output_tokens", 0)
        what = "leaf call" if e.leaf else "model"
        cost = f", ${u.get('cost_usd', 0):.4f}" if u.get("cost_usd") else ""
        self.line(f"  {what}: {one_line(e.response, 70)!r} "
                  f"({tokens} tokens{cost}, {u.get('duration_ms', 0):.0f} ms)")

    def on_EffectFinished(self, e: ev.EffectFinished) -> None:
        outcome = f"error: {e.error}" if e.error else one_line(pr(e.result), 60)
        replay = " (replayed)" if e.replayed else ""
        self.line(self.paint("36", f"  effect {e.fn}") + f" -> {outcome}{replay}")

    def on_SelfEdit(self, e: ev.SelfEdit) -> None:
        if e.kind == "extend":
            self.line(self.paint("33", "  self-edit") + f" +{one_line(e.after[len(e.before):], 70)}")
        else:
            self.line(self.paint("33", f"  self-edit ({e.kind})"))

    def on_ErrorRecovered(self, e: ev.ErrorRecovered) -> None:
        self.line(self.paint("31", f"  recovery ({e.kind}, attempt {e.count})") +
                  f": {one_line(e.error, 70)}")

    def on_RunEnded(self, e: ev.RunEnded) -> None:
        if e.error:
            self.line(self.paint("31", f"run failed: {e.error}"))
        else:
            self.line(self.paint("32", "run finished"))

