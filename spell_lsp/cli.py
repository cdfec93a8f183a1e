"""The `spell` command line: `spell eval` and `spell check` (more subcommands as the
harness, language server and debug adapter land)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterable, TextIO

SPELL_SUFFIXES = (".spell", ".spl")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spell", description="Spell language toolkit")
    sub = parser.add_subparsers(dest="command", required=True)

    ev = sub.add_parser("eval", help="evaluate a Spell program (no model, no effects)")
    src = ev.add_mutually_exclusive_group()
    src.add_argument("-e", "--expr", metavar="SOURCE", help="program text")
    src.add_argument("file", nargs="?", help="program file, or - for standard input")
    ev.add_argument("--json", action="store_true", help='print {"value": ...} or {"error": ...}')
    ev.add_argument("--batch", action="store_true",
                    help='read JSON lines {"id", "source"} on stdin, answer one line each')
    ev.add_argument("--max-steps", type=int, default=None, help="evaluation step budget")
    ev.add_argument("--max-depth", type=int, default=None, help="evaluation depth budget")

    check = sub.add_parser("check", help="report problems in .spell files and folders")
    check.add_argument("paths", nargs="+", help="files or folders")
    check.add_argument("--format", choices=("text", "json"), default="text")
    return parser


# -- eval ----------------------------------------------------------------------------------

def evaluate_source(source: str, args: argparse.Namespace) -> tuple[str | None, str | None,
                                                                      list[str]]:
    """(printed value, error message, warnings) for one program text."""
    from .lang import FatalError, SpellError, evaluate_program, run_deep
    from .lang.context import Context, Limits
    from .syntax.lenient import read_lenient
    from .syntax.printer import pr
    from .syntax.lower import ReaderError

    try:
        result = read_lenient(source)
    except ReaderError as e:
        return None, str(e.args[0]), []
    limits = Limits()
    if args.max_steps:
        limits.max_steps = args.max_steps
    if args.max_depth:
        limits.max_depth = args.max_depth
    try:
        value = run_deep(lambda: evaluate_program(result.form, Context(limits=limits)))
        return pr(value), None, list(result.warnings)
    except (SpellError, FatalError) as e:
        return None, e.message, list(result.warnings)
    except Exception as e:  # never a traceback for user input
        return None, f"internal error: {type(e).__name__}: {e}", list(result.warnings)


def read_program_text(args: argparse.Namespace) -> str:
    if args.expr is not None:
        return args.expr
    if args.file in (None, "-"):
        return sys.stdin.read()
    return Path(args.file).read_text(encoding="utf-8", errors="surrogateescape")


def cmd_eval(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.batch:
        return eval_batch(args, sys.stdin, out)
    try:
        source = read_program_text(args)
    except OSError as e:
        print(f"error: cannot read {args.file}: {e.strerror}", file=err)
        return 1
    value, error, warnings = evaluate_source(source, args)
    for warning in warnings:
        print(f"warning: {warning}", file=err)
    if args.json:
        print(json.dumps({"value": value} if error is None else {"error": error}), file=out)
    elif error is None:
        print(value, file=out)
    else:
        print(f"error: {error}", file=err)
    return 0 if error is None else 1


def eval_batch(args: argparse.Namespace, lines: Iterable[str], out: TextIO) -> int:
    """One JSON answer per JSON input line, each program in a fresh environment."""
    for line in lines:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            source = request["source"]
            if not isinstance(source, str):
                raise TypeError("source must be a string")
        except (ValueError, KeyError, TypeError) as e:
            answer: dict[str, Any] = {"id": None, "error": f"invalid batch line: {e}"}
        else:
            value, error, _ = evaluate_source(source, args)
            answer = {"id": request.get("id")}
            answer.update({"value": value} if error is None else {"error": error})
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


# -- check ---------------------------------------------------------------------------------

def spell_files(paths: Iterable[str]) -> Iterable[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SPELL_SUFFIXES)
        else:
            yield path


def check_file(path: Path) -> list[dict[str, Any]]:
    """Diagnostics of one file as dicts (1-based line and column)."""
    from .syntax.reader import parse
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as e:
        return [{"path": str(path), "line": 1, "column": 1, "severity": "error",
                 "message": f"cannot read file: {e.strerror}"}]
    result = parse(text)
    found = []
    for error in result.errors:
        line, col = result.position(error.start)
        found.append({"path": str(path), "line": line + 1, "column": col + 1,
                      "severity": "error", "message": error.message})
    return found


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    found = [d for path in spell_files(args.paths) for d in check_file(path)]
    if args.format == "json":
        print(json.dumps(found, indent=2), file=out)
    else:
        for d in found:
            print(f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}",
                  file=out)
    return 1 if any(d["severity"] == "error" for d in found) else 0


COMMANDS = {"eval": cmd_eval, "check": cmd_check}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args, sys.stdout, sys.stderr)
