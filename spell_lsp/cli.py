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

    run = sub.add_parser("run", help="run an agent: a .spell program or a prompt")
    run_src = run.add_mutually_exclusive_group(required=True)
    run_src.add_argument("file", nargs="?", help="program file (.spell/.spl)")
    run_src.add_argument("--prompt", help="a task in plain text")
    run.add_argument("--model", help="script:FILE, anthropic:MODEL, anthropic-prefill:MODEL "
                     "or replay:JOURNAL (default: the profile's, else FILE.script.jsonl)")
    run.add_argument("--workspace", help="folder io/ is confined to (default: the program's)")
    run.add_argument("--profile", help="agent profile from spell.toml")
    run.add_argument("--allow-shell", action="store_true", default=None,
                     help="let io/sh and io/exec run commands")
    run.add_argument("--max-turns", type=int, help="stop after this many model turns")
    run.add_argument("--budget", type=float, help="stop when this many dollars are spent")
    run.add_argument("--quiet", action="store_true", help="no progress lines")

    trace = sub.add_parser("trace", help="inspect run journals")
    trace_sub = trace.add_subparsers(dest="trace_command", required=True)
    show = trace_sub.add_parser("show", help="a readable per-turn summary of a journal")
    show.add_argument("journal", help="journal.jsonl of a run")
    turns = trace_sub.add_parser("turns", help="agents, turns, effects and self-edits of a journal")
    turns.add_argument("journal", help="journal.jsonl of a run")
    turns.add_argument("--json", action="store_true", help="print JSON (editors read this)")
    program = trace_sub.add_parser("program", help="the program text of one turn")
    program.add_argument("journal", help="journal.jsonl of a run")
    program.add_argument("--turn", type=int, required=True, help="turn number")
    program.add_argument("--agent", default=":main", help="agent handle (default :main)")
    edit = trace_sub.add_parser("edit", help="one self-edit of a turn as JSON (before/after)")
    edit.add_argument("journal", help="journal.jsonl of a run")
    edit.add_argument("--turn", type=int, required=True, help="turn number")
    edit.add_argument("--agent", default=":main", help="agent handle (default :main)")
    edit.add_argument("--index", type=int, default=-1,
                      help="which self-edit of the turn, from 0 (default: the last)")

    prompt = sub.add_parser("prompt", help="print the system prompt a run would send the model")
    prompt.add_argument("file", nargs="?", help="program file; its folder is the workspace")
    prompt.add_argument("--profile", help="agent profile from spell.toml")
    prompt.add_argument("--model", help="model spec (decides the tool-call or prefill variant)")
    prompt.add_argument("--workspace", help="folder to find spell.toml from (default: the "
                        "program's, else the current one)")

    check = sub.add_parser("check", help="report problems in .spell files and folders")
    check.add_argument("paths", nargs="+", help="files or folders")
    check.add_argument("--format", choices=("text", "json"), default="text")

    sub.add_parser("lsp", help="run the language server on stdin/stdout")
    sub.add_parser("dap", help="run the debug adapter (DAP) on stdin/stdout")
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
    """Diagnostics of one file as dicts: path, code, severity, message, 1-based line and
    column of the start, and the 0-based range (line, character in code points)."""
    from .analysis.diagnostics import Config, diagnostics
    from .analysis.document import Document
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as e:
        return [{"path": str(path), "line": 1, "column": 1, "severity": "error",
                 "code": "unreadable", "message": f"cannot read file: {e.strerror}",
                 "range": {"start": {"line": 0, "character": 0},
                           "end": {"line": 0, "character": 0}}}]
    doc = Document(text, uri=str(path))
    config = Config.for_path(path)
    found = []
    if config.problem:
        found.append({"path": str(path), "line": 1, "column": 1, "severity": "warning",
                      "code": "config-error", "message": config.problem,
                      "range": {"start": {"line": 0, "character": 0},
                                "end": {"line": 0, "character": 0}}})
    for d in diagnostics(doc, config):
        (line, col), (end_line, end_col) = doc.range(d.start, d.end)
        found.append({"path": str(path), "line": line + 1, "column": col + 1,
                      "severity": d.severity, "code": d.code, "message": d.message,
                      "range": {"start": {"line": line, "character": col},
                                "end": {"line": end_line, "character": end_col}}})
    return found


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the errors and warnings of the files (text or JSON; information diagnostics
    such as `chain-ends` are editor hints); exit 1 when any is an error."""
    found = [d for path in spell_files(args.paths) for d in check_file(path)
             if d["severity"] in ("error", "warning")]
    if args.format == "json":
        print(json.dumps(found, indent=2), file=out)
    else:
        for d in found:
            print(f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']} "
                  f"[{d['code']}]", file=out)
    return 1 if any(d["severity"] == "error" for d in found) else 0


def cmd_dap(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the debug adapter on stdin/stdout."""
    from .dap.adapter import serve_stdio
    return serve_stdio()


def cmd_lsp(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the language server on stdin/stdout."""
    from .server import serve
    return serve()


# -- run and trace -------------------------------------------------------------------------

def run_setup(args: argparse.Namespace) -> tuple[str, Any, str, Path | None]:
    """(source text, RunConfig, model spec, program file) from the command line and
    spell.toml."""
    from .harness.config import ConfigError, RunConfig, resolve_profile, with_overrides
    program = Path(args.file) if args.file else None
    if program is not None:
        try:
            source = program.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError as e:
            raise ConfigError(f"cannot read {program}: {e.strerror}") from None
    else:
        source = args.prompt
    workspace = Path(args.workspace) if args.workspace else (
        program.parent if program is not None else Path.cwd())
    if not workspace.is_dir():
        raise ConfigError(f"workspace is not a folder: {workspace}")
    profile, _ = resolve_profile(workspace, args.profile)
    profile = with_overrides(profile, allow_shell=args.allow_shell, max_turns=args.max_turns,
                             budget_usd=args.budget)
    model = args.model or profile.model or default_script(program)
    if model is None:
        raise ConfigError("no model given: pass --model script:FILE, anthropic:MODEL or "
                          "replay:JOURNAL (a paid model is never chosen implicitly)")
    return source, RunConfig(profile=profile, workspace=workspace.resolve()), model, program


def default_script(program: Path | None) -> str | None:
    """`FILE.script.jsonl` next to the program, when it exists."""
    if program is None:
        return None
    script = program.with_name(program.name.rsplit(".", 1)[0] + ".script.jsonl")
    return f"script:{script}" if script.is_file() else None


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .harness.config import ConfigError
    from .harness.events import EventBus
    from .harness.progress import Progress
    from .harness.run import EXIT_CONFIG
    from .harness.session import start_run
    from .syntax.printer import pr
    bus = EventBus()
    if not args.quiet:
        bus.subscribe(Progress(err))
    try:
        source, config, model, program = run_setup(args)
        result = start_run(source, config, model, bus=bus, program=program)
    except ConfigError as e:
        print(f"error: {e}", file=err)
        return EXIT_CONFIG
    if result.error is None:
        print(pr(result.value), file=out)
    else:
        print(f"error: {result.error}", file=err)
    print(f"journal: {result.journal}", file=err)
    return result.exit_code


def cmd_trace(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .harness.trace_cli import trace_edit, trace_program, trace_show, trace_turns
    if args.trace_command == "turns":
        return trace_turns(args.journal, out, err, as_json=args.json)
    if args.trace_command == "program":
        return trace_program(args.journal, args.turn, args.agent, out, err)
    if args.trace_command == "edit":
        return trace_edit(args.journal, args.turn, args.agent, args.index, out, err)
    return trace_show(args.journal, out, err)


def cmd_prompt(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the system prompt a run of the file (or of a prompt in the workspace) gets:
    the profile's base text, its effect namespaces and the model's answer channel."""
    from .harness.config import ConfigError, resolve_profile
    from .harness.journal import JournalError
    from .harness.prompt import system_prompt
    from .harness.run import EXIT_CONFIG
    from .harness.session import namespace_infos
    from .harness.transports import uses_prefill
    program = Path(args.file) if args.file else None
    workspace = Path(args.workspace) if args.workspace else (
        program.parent if program is not None else Path.cwd())
    try:
        profile, _ = resolve_profile(workspace, args.profile)
        model = args.model or profile.model or default_script(program)
        prefill = uses_prefill(model or "", profile.mode, workspace=workspace)
    except (ConfigError, JournalError, OSError, ValueError) as e:
        print(f"error: {e}", file=err)
        return EXIT_CONFIG
    out.write(system_prompt(namespace_infos(profile.namespaces), prefill=prefill,
                            base=profile.system_prompt))
    return 0


COMMANDS = {"eval": cmd_eval, "check": cmd_check, "lsp": cmd_lsp, "run": cmd_run,
            "trace": cmd_trace, "dap": cmd_dap, "prompt": cmd_prompt}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args, sys.stdout, sys.stderr)
