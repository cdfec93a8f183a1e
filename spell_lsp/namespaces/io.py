"""The `io` effect namespace (spec 9.5) and its subsets `io-read`, `io-write`, `io-exec`.

Every function works inside one workspace root (D8): a path is resolved against the root,
then `..` and symlinks are resolved (for a path that does not exist yet, as far as it
exists) and the result must lie inside the root or an extra allowed root. Functions then
operate on the resolved path, so what was checked is what is used. Conditions of the world
come back as `{:error msg}` maps; wrong argument types raise `BuiltinError`.

`io/grep`, `io/glob` and `io/git` never start a shell. Shell access (`io/sh`, `io/exec`,
`io/sh-test` thunks) needs `allow_shell`. Without it `.git` is also read-only, because a
written git config could make `io/git` run arbitrary commands.

The namespace values need a workspace, so they are built by `make_io_namespaces`; the
documentation (signatures, guides, details) is registered in `nsdef.REGISTRY` on import.
Each function record's `fn` takes the `Workspace` as its first argument.
"""

from __future__ import annotations

import base64
import fnmatch
import os
import shutil
import signal
import subprocess
import tempfile
from functools import partial, wraps
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import regex

from ..lang.errors import BuiltinError
from ..lang.evaluator import make_fn
from ..lang.table import Builtin, arity
from ..syntax.lower import read_one
from ..syntax.printer import pr
from ..syntax.values import (SList, SMap, SVector, is_number, is_truthy, kw,
                             vector_with_line)
from .nsdef import REGISTRY, NamespaceInfo, NsFunction, namespace_map
from .strings import split_lines

K_OK, K_ERROR = kw("ok"), kw("error")
K_EXIT, K_OUT, K_ERR = kw("exit"), kw("out"), kw("err")

SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD")
REDACTED = "<redacted>"
GIT_ALLOWED = ("blame", "diff", "log", "rev-parse", "show", "status")
# Options of the allowed git commands that read or write files outside the repository.
GIT_REFUSED_OPTIONS = ("--output", "--no-index", "--contents", "--ignore-revs-file", "-O")
SHELL_DISABLED = "io: shell access is not enabled for this run"
OUT_HEAD, ERR_HEAD = pr("\nOUT:\n"), pr("\nERR:\n")  # literals of the sh-test body


class PathEscape(Exception):
    """A path argument that resolves outside every allowed root."""

    def __init__(self, path: str) -> None:
        super().__init__(f"io: path escapes the workspace root: {path}")
        self.message = str(self)


# ---------------------------------------------------------------------------------------
# Results and arguments


def ok(value: Any) -> SMap:
    return SMap([(K_OK, value)])


def error(message: str) -> SMap:
    return SMap([(K_ERROR, message)])


def process_result(code: int, out: str, err: str) -> SMap:
    return SMap([(K_EXIT, code), (K_OUT, out), (K_ERR, err)])


def text_arg(value: Any, what: str) -> str:
    if type(value) is not str:
        raise BuiltinError(f"{what} must be a string, got {pr(value)}")
    return value


def int_arg(value: Any, what: str) -> int:
    if type(value) is not int:
        raise BuiltinError(f"{what} must be an integer, got {pr(value)}")
    return value


def opts_arg(value: Any) -> SMap:
    if value is None:
        return SMap()
    if not isinstance(value, SMap):
        raise BuiltinError(f"options must be a map, got {pr(value)}")
    return value


def count_opt(opts: SMap, name: str) -> int | None:
    """A non-negative integer option (`:context`, `:max-count`, `:max-depth`), or None."""
    value = opts.get(kw(name))
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise BuiltinError(f":{name} must be a non-negative integer, got {pr(value)}")
    return value


def os_detail(e: OSError, path: str) -> str:
    return f"{path}: {e.strerror}" if e.strerror else str(e)


def is_secret(name: str) -> bool:
    upper = name.upper()
    return any(marker in upper for marker in SECRET_MARKERS)


def wrong_args(n: int) -> BuiltinError:
    return BuiltinError(f"wrong number of args ({n})")


# ---------------------------------------------------------------------------------------
# The workspace: confinement and child processes


class Workspace:
    """The root (and extra roots) io functions may touch, and the shell permission."""

    def __init__(self, root: Path | str, allow_shell: bool = False,
                 extra_roots: Iterable[Path | str] = (), shell_timeout: float = 30.0) -> None:
        self.root = Path(os.path.realpath(root))
        self.roots = (self.root, *(Path(os.path.realpath(r)) for r in extra_roots))
        self.allow_shell = allow_shell
        self.shell_timeout = shell_timeout

    def inside(self, real: Path) -> bool:
        return any(real.is_relative_to(r) for r in self.roots)

    def locate(self, path: str) -> Path:
        """The real path of `path` (symlinks and `..` resolved); PathEscape if outside."""
        real = Path(os.path.realpath(self.root / path))
        if not self.inside(real):
            raise PathEscape(path)
        return real

    def locate_entry(self, path: str) -> Path:
        """The directory entry `path` names (a final symlink stays a link), confined."""
        real = self.locate(path)
        joined = os.path.join(self.root, path)
        name = os.path.basename(joined)
        if name in ("", ".", ".."):
            return real
        entry = Path(os.path.realpath(os.path.dirname(joined))) / name
        if not self.inside(entry):
            raise PathEscape(path)
        return entry

    def locate_writable(self, path: str) -> Path:
        """`locate` for writes: also refuses `.git` when the run has no shell access."""
        real = self.locate(path)
        if not self.allow_shell and self.in_git_dir(real):
            raise PathEscape(path)
        return real

    def in_git_dir(self, real: Path) -> bool:
        """True for `.git` or anything inside one (case-insensitive, as filesystems may be)."""
        for root in self.roots:
            if real.is_relative_to(root):
                return ".git" in (part.lower() for part in real.relative_to(root).parts)
        return False

    def child_env(self) -> dict[str, str]:
        """The environment of child processes: secrets removed."""
        return {k: v for k, v in os.environ.items() if not is_secret(k)}

    def run(self, argv: list[str], timeout: float | None, env: dict | None = None,
            clean: Callable[[str], str] = str.strip) -> SMap:
        """Run argv without a shell in the root; `{:exit :out :err}` (timeout: exit -1)."""
        try:
            proc = subprocess.Popen(argv, cwd=self.root, env=env or self.child_env(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except FileNotFoundError:
            return error(f"Command not found: {argv[0]}")
        except OSError as e:
            return error(f"Error running command: {os_detail(e, argv[0])}")
        try:
            out, err = proc.communicate(timeout=timeout or None)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            return process_result(-1, "", f"Command timed out after {seconds_text(timeout)} "
                                          "seconds")
        return process_result(proc.returncode, clean(decode(out)), clean(decode(err)))


def kill_group(proc: subprocess.Popen) -> None:
    """Kill the process and everything it started (it leads its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def seconds_text(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else pr(seconds)


def confined(fn: Callable) -> Callable:
    """Turn a confinement violation into the `{:error ...}` result."""

    @wraps(fn)
    def run(ws: Workspace, *args: Any) -> Any:
        try:
            return fn(ws, *args)
        except PathEscape as e:
            return error(e.message)

    return run


def predicate(fn: Callable) -> Callable:
    """For boolean results a map would read as true: a violation is a Spell error."""

    @wraps(fn)
    def run(ws: Workspace, *args: Any) -> Any:
        try:
            return fn(ws, *args)
        except PathEscape as e:
            raise BuiltinError(e.message) from None

    return run


# ---------------------------------------------------------------------------------------
# Reading


def read_text(real: Path) -> str:
    """The file's text, line ends untouched."""
    with open(real, encoding="utf-8", newline="") as f:
        return f.read()


def reading(path: str, read: Callable[[], Any]) -> Any:
    """Run a read, mapping failures to the common error maps."""
    try:
        return read()
    except FileNotFoundError:
        return error(f"File not found: {path}")
    except UnicodeDecodeError:
        return error(f"Error reading file: {path}: not UTF-8 text")
    except OSError as e:
        return error(f"Error reading file: {os_detail(e, path)}")


def line_range(args: tuple, n: int) -> tuple[int, int] | None:
    """Clamped 1-based half-open range from optional (start end) arguments."""
    if not args:
        return None
    if len(args) != 2:
        raise wrong_args(len(args) + 1)
    start, end = int_arg(args[0], "start"), int_arg(args[1], "end")
    start = max(1, min(start, n))
    return start, max(start, min(end, n + 1))


@confined
def read_lines(ws: Workspace, path: Any, *bounds: Any) -> Any:
    """Vector of raw lines with `first_line` metadata."""
    real = ws.locate(text_arg(path, "path"))

    def read() -> Any:
        content = read_text(real)
        if content == "":
            line_range(bounds, 0)  # validates the arguments
            return vector_with_line((), max(1, bounds[0]) if bounds else 1)
        lines = list(split_lines(content))
        span = line_range(bounds, len(lines)) or (1, len(lines) + 1)
        return vector_with_line(lines[span[0] - 1:span[1] - 1], span[0])

    return reading(path, read)


@confined
def read_file(ws: Workspace, path: Any, *bounds: Any) -> Any:
    """Numbered lines `"<n>: <line>"` joined by newlines."""
    real = ws.locate(text_arg(path, "path"))

    def read() -> Any:
        content = read_text(real)
        if content == "":
            line_range(bounds, 0)
            return ""
        lines = list(split_lines(content))
        start, end = line_range(bounds, len(lines)) or (1, len(lines) + 1)
        width = len(str(end - 1)) if end > start else 1
        return "\n".join(f"{n:>{width}}: {lines[n - 1]}" for n in range(start, end))

    return reading(path, read)


@confined
def slurp(ws: Workspace, path: Any) -> Any:
    real = ws.locate(text_arg(path, "path"))
    return reading(path, lambda: ok(read_text(real)))


@confined
def slurp_bytes(ws: Workspace, path: Any) -> Any:
    real = ws.locate(text_arg(path, "path"))
    return reading(path, lambda: SMap([(K_OK, base64.b64encode(real.read_bytes()).decode()),
                                       (kw("encoding"), "base64")]))


# ---------------------------------------------------------------------------------------
# Writing and editing


def write_text(real: Path, content: str, append: bool = False) -> None:
    real.parent.mkdir(parents=True, exist_ok=True)
    with open(real, "a" if append else "w", encoding="utf-8", newline="") as f:
        f.write(content)


@confined
def spit(ws: Workspace, path: Any, content: Any, opts: Any = None) -> Any:
    """Write (or append) text, creating parent directories."""
    real = ws.locate_writable(text_arg(path, "path"))
    content = text_arg(content, "content")
    append = is_truthy(opts_arg(opts).get(kw("append")))
    try:
        write_text(real, content, append)
    except OSError as e:
        return error(f"Error writing file: {os_detail(e, path)}")
    return ok(path)


def write_file(ws: Workspace, path: Any, content: Any) -> Any:
    return spit(ws, path, content)


def rewrite(path: str, real: Path, edit: Callable[[str], Any]) -> Any:
    """Read, edit (the edit returns new text or an error map), write back."""
    content = reading(path, lambda: read_text(real))
    if isinstance(content, SMap):
        return content
    new = edit(content)
    if isinstance(new, SMap):
        return new
    try:
        write_text(real, new)
    except OSError as e:
        return error(f"Error writing file: {os_detail(e, path)}")
    return ok(path)


@confined
def str_replace(ws: Workspace, path: Any, old: Any, new: Any, opts: Any = None) -> Any:
    """Literal replacement; `old` must be unique unless `{:all true}`."""
    real = ws.locate_writable(text_arg(path, "path"))
    if old is None:
        return error("old-str cannot be nil")
    if new is None:
        return error("new-str cannot be nil")
    old, new = text_arg(old, "old-str"), text_arg(new, "new-str")
    if old == "":
        return error("old-str cannot be empty")
    replace_all = is_truthy(opts_arg(opts).get(kw("all")))

    def edit(content: str) -> Any:
        n = content.count(old)
        if n == 0:
            return error(f"String not found in file: {pr(old)}")
        if n > 1 and not replace_all:
            return error(f"String appears {n} times (must be unique): {pr(old)}")
        return content.replace(old, new, -1 if replace_all else 1)

    return rewrite(path, real, edit)


def edit_triples(args: tuple) -> list[tuple[int, int, str]]:
    """The edits of either call form as (start, end, content) triples."""
    if len(args) == 3:
        edits: Any = [args]
    elif len(args) == 1 and isinstance(args[0], tuple):
        edits = args[0]
    elif len(args) == 1:
        raise BuiltinError(f"expected a vector of [start end content] edits, got {pr(args[0])}")
    else:
        raise wrong_args(len(args) + 1)
    triples = []
    for e in edits:
        if not isinstance(e, tuple) or len(e) != 3:  # SVector and SList are tuples
            raise BuiltinError(f"each edit must be [start end content], got {pr(e)}")
        triples.append((int_arg(e[0], "start"), int_arg(e[1], "end"),
                        text_arg(e[2], "content")))
    return triples


def edit_error(edits: list[tuple[int, int, str]], n: int) -> str | None:
    for start, end, _ in edits:
        if start < 1 or start > n + 1:
            return f"Start line {start} out of range (file has {n} lines)"
        if end < start or end > n + 1:
            return f"End line {end} out of range (start={start}, file has {n} lines)"
    ordered = sorted(edits, key=lambda e: (e[0], e[1]))
    if any(b[0] < a[1] for a, b in zip(ordered, ordered[1:])):
        return "Edits have overlapping line ranges"
    return None


def apply_edits(lines: list[str], edits: list[tuple[int, int, str]]) -> list[str]:
    """Apply half-open line edits, highest first, so the original numbers stay valid;
    edits at one position keep their given order."""
    order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], i),
                   reverse=True)
    for i in order:
        start, end, content = edits[i]
        lines[start - 1:end - 1] = list(split_lines(content)) if content else []
    return lines


@confined
def replace_lines(ws: Workspace, path: Any, *args: Any) -> Any:
    """Replace half-open line ranges of the original file, all or none."""
    real = ws.locate_writable(text_arg(path, "path"))
    edits = edit_triples(args)

    def edit(content: str) -> Any:
        lines = list(split_lines(content)) if content else []
        problem = edit_error(edits, len(lines))
        if problem:
            return error(problem)
        new = apply_edits(lines, edits)
        return "\n".join(new) + ("\n" if new and content.endswith("\n") else "")

    return rewrite(path, real, edit)


# ---------------------------------------------------------------------------------------
# grep and glob, without a shell


def compile_ere(pattern: str, ignore_case: bool) -> Any:
    """A POSIX extended regular expression as a `regex` pattern (GNU `\\<` `\\>` too)."""
    out, i = [], 0
    while i < len(pattern):
        pair = pattern[i:i + 2]
        if pair == "\\<":
            out.append(r"\b(?=\w)")
        elif pair == "\\>":
            out.append(r"\b(?<=\w)")
        elif pair.startswith("\\"):
            out.append(pair)
        else:
            out.append(pattern[i])
            i += 1
            continue
        i += 2
    return regex.compile("".join(out), regex.IGNORECASE if ignore_case else 0)


def walk_files(real: Path, shown: str, errors: list[str]) -> Iterator[tuple[Path, str]]:
    """Regular files under a directory, by sorted name, as `grep -r` visits them:
    symlinks met while recursing are skipped."""
    try:
        entries = sorted(os.scandir(real), key=lambda e: e.name)
    except OSError as e:
        errors.append(f"grep: {shown}: {e.strerror}")
        return
    for entry in entries:
        child = os.path.join(shown, entry.name)
        if entry.is_symlink():
            continue
        if entry.is_dir():
            yield from walk_files(Path(entry.path), child, errors)
        elif entry.is_file():
            yield Path(entry.path), child


def text_lines(real: Path) -> list[str] | None:
    """The lines of a text file; None for a binary file (NUL bytes or not UTF-8)."""
    data = real.read_bytes()
    if b"\0" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def file_hits(lines: list[str], rx: Any, context: int, max_count: int | None) -> dict[int, str]:
    """Line index -> ':' (selected) or '-' (context), as `grep -C context -m max_count`."""
    marks: dict[int, str] = {}
    for i, line in enumerate(lines):
        if max_count is not None and len(marks) >= max_count:
            break
        if rx.search(line):
            marks[i] = ":"
    for i in [i for i in marks]:
        for j in range(max(0, i - context), min(len(lines), i + context + 1)):
            marks.setdefault(j, "-")
    return marks


@confined
def grep(ws: Workspace, pattern: Any, path: Any, opts: Any = None) -> Any:
    """Recursive search with `grep -rnHE` output."""
    pattern, path = text_arg(pattern, "pattern"), text_arg(path, "path")
    opts = opts_arg(opts)
    include = opts.get(kw("include"))
    if include is not None:
        text_arg(include, ":include")
    context = count_opt(opts, "context") or 0
    max_count = count_opt(opts, "max-count")
    try:
        rx = compile_ere(pattern, is_truthy(opts.get(kw("ignore-case"))))
    except regex.error as e:
        return process_result(2, "", f"grep: invalid regular expression: {e}")
    real = ws.locate(path)
    if not real.exists():
        return process_result(2, "", f"grep: {path}: No such file or directory")
    errors: list[str] = []
    files = walk_files(real, path, errors) if real.is_dir() else iter([(real, path)])
    out: list[str] = []
    for file, shown in files:
        if include is not None and not fnmatch.fnmatchcase(file.name, include):
            continue
        try:
            lines = text_lines(file)
        except OSError as e:
            errors.append(f"grep: {shown}: {e.strerror}")
            continue
        if lines is None:
            continue
        marks = file_hits(lines, rx, context, max_count)
        previous = None
        for i in sorted(marks):
            if context and out and (previous is None or i > previous + 1):
                out.append("--")
            out.append(f"{shown}{marks[i]}{i + 1}{marks[i]}{lines[i]}")
            previous = i
    code = 2 if errors else (0 if out else 1)
    return process_result(code, "\n".join(out), "\n".join(errors))


def entry_type(path: Path) -> str:
    """find's -type letter of a file, symlinks not followed."""
    if path.is_symlink():
        return "l"
    return "d" if path.is_dir() else "f"


def find_entries(real: Path, shown: str, depth: int, max_depth: int | None,
                 errors: list[str]) -> Iterator[tuple[str, str, str]]:
    """(shown path, name, type) below a directory, as `find` walks it (no symlinks)."""
    if max_depth is not None and depth > max_depth:
        return
    try:
        entries = list(os.scandir(real))
    except OSError as e:
        errors.append(f"find: '{shown}': {e.strerror}")
        return
    for entry in entries:
        child = os.path.join(shown, entry.name)
        kind = entry_type(Path(entry.path))
        yield child, entry.name, kind
        if kind == "d":
            yield from find_entries(Path(entry.path), child, depth + 1, max_depth, errors)


@confined
def glob(ws: Workspace, pattern: Any, path: Any = ".", opts: Any = None) -> Any:
    """`find <p> [-maxdepth n] [-type t] -name <pattern> | sort`."""
    pattern, path = text_arg(pattern, "pattern"), text_arg(path, "path")
    opts = opts_arg(opts)
    kind = opts.get(kw("type"))
    if kind is not None and kind not in ("f", "d", "l"):
        raise BuiltinError(f':type must be "f", "d" or "l", got {pr(kind)}')
    max_depth = count_opt(opts, "max-depth")
    real = ws.locate(path)
    if not real.exists():
        return process_result(1, "", f"find: '{path}': No such file or directory")
    errors: list[str] = []
    top_name = os.path.basename(path.rstrip("/")) or path
    found = [(path, top_name, entry_type(real))]
    if found[0][2] == "d":
        found += find_entries(real, path, 1, max_depth, errors)
    hits = sorted(shown for shown, name, t in found
                  if fnmatch.fnmatchcase(name, pattern) and (kind is None or t == kind))
    return process_result(1 if errors else 0, "\n".join(hits), "\n".join(errors))


@confined
def git(ws: Workspace, sub: Any, *args: Any) -> Any:
    """An allowlisted, read-only git command in the root, without a shell."""
    sub = text_arg(sub, "git subcommand")
    args = tuple(text_arg(a, "git argument") for a in args)
    if sub not in GIT_ALLOWED:
        return error(f"git subcommand not allowed: {pr(sub)}. Allowed: "
                     + ", ".join(GIT_ALLOWED))
    refused = next((a for a in args if a.startswith(GIT_REFUSED_OPTIONS)), None)
    if refused is not None:
        return error(f"git option not allowed: {refused}")
    env = ws.child_env()
    # Never look for a repository above the root; never take locks (status stays read-only).
    env.update(GIT_CEILING_DIRECTORIES=str(ws.root.parent), GIT_OPTIONAL_LOCKS="0",
               GIT_TERMINAL_PROMPT="0")
    return ws.run(["git", sub, *args], ws.shell_timeout, env, str.rstrip)


# ---------------------------------------------------------------------------------------
# Files and directories


@predicate
def exists(ws: Workspace, path: Any) -> bool:
    return ws.locate(text_arg(path, "path")).exists()


@predicate
def directory(ws: Workspace, path: Any) -> bool:
    return ws.locate(text_arg(path, "path")).is_dir()


@confined
def ls(ws: Workspace, path: Any) -> Any:
    """`{:name :size}` per entry, sorted; directories end with `/` and have size 0."""
    real = ws.locate(text_arg(path, "path"))
    if not real.is_dir():
        return error(f"Not a directory: {path}")
    try:
        entries = sorted(os.scandir(real), key=lambda e: e.name)
        return SVector(ls_entry(e) for e in entries)
    except OSError as e:
        return error(f"Error listing directory: {os_detail(e, path)}")


def ls_entry(entry: os.DirEntry) -> SMap:
    if entry.is_dir(follow_symlinks=False):
        return SMap([(kw("name"), entry.name + "/"), (kw("size"), 0)])
    return SMap([(kw("name"), entry.name),
                 (kw("size"), entry.stat(follow_symlinks=False).st_size)])


@confined
def stat(ws: Workspace, path: Any) -> Any:
    real = ws.locate(text_arg(path, "path"))
    try:
        st = real.stat()
    except FileNotFoundError:
        return error(f"File not found: {path}")
    except OSError as e:
        return error(f"Error getting file info: {os_detail(e, path)}")
    return SMap([(kw("size"), st.st_size), (kw("modified"), st.st_mtime_ns // 1_000_000),
                 (kw("readable"), os.access(real, os.R_OK)),
                 (kw("writable"), os.access(real, os.W_OK)),
                 (kw("executable"), os.access(real, os.X_OK)),
                 (kw("directory"), real.is_dir())])


@confined
def mkdir(ws: Workspace, path: Any) -> Any:
    real = ws.locate_writable(text_arg(path, "path"))
    try:
        real.mkdir()
    except FileExistsError:
        return error(f"Already exists: {path}")
    except OSError:
        return error(f"Failed to create directory: {path}")
    return ok(path)


@confined
def mkdirs(ws: Workspace, path: Any) -> Any:
    real = ws.locate_writable(text_arg(path, "path"))
    try:
        real.mkdir(parents=True, exist_ok=True)
    except OSError:
        return error(f"Failed to create directories: {path}")
    return ok(path)


@confined
def delete(ws: Workspace, path: Any) -> Any:
    """Delete a file, a symlink or an empty directory."""
    text_arg(path, "path")
    ws.locate_writable(path)
    entry = ws.locate_entry(path)
    if not os.path.lexists(entry):
        return error(f"File not found: {path}")
    try:
        if entry.is_dir() and not entry.is_symlink():
            entry.rmdir()
        else:
            entry.unlink()
    except OSError:
        return error(f"Failed to delete (directory not empty?): {path}")
    return ok(path)


def transfer(ws: Workspace, src: Any, dest: Any, verb: str,
             action: Callable[[Path, Path], Any]) -> Any:
    """Copy or move `src` to `dest` (overwriting); a move also writes its source."""
    text_arg(src, "source")
    text_arg(dest, "destination")
    if verb == "moving":
        ws.locate_writable(src)
    source = ws.locate_entry(src)
    target = ws.locate_writable(dest)
    if not os.path.lexists(source):
        return error(f"Source not found: {src}")
    try:
        action(source, target)
    except OSError as e:
        return error(f"Error {verb}: {os_detail(e, src)}")
    return ok(dest)


def copy_any(source: Path, target: Path) -> None:
    """Copy a file, or a directory tree with its symlinks kept as links."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    else:
        shutil.copyfile(source.resolve(), target)


@confined
def copy(ws: Workspace, src: Any, dest: Any) -> Any:
    return transfer(ws, src, dest, "copying", copy_any)


@confined
def move(ws: Workspace, src: Any, dest: Any) -> Any:
    return transfer(ws, src, dest, "moving", os.replace)


@confined
def temp_file(ws: Workspace, *args: Any) -> Any:
    """A new empty file under `<root>/.spell/tmp/`."""
    if len(args) not in (0, 2):
        raise wrong_args(len(args))
    prefix, suffix = args or ("spell", ".tmp")
    for part, what in ((prefix, "prefix"), (suffix, "suffix")):
        if "/" in text_arg(part, what) or "\0" in part:
            raise BuiltinError(f"{what} must not contain a path separator, got {pr(part)}")
    directory_ = ws.root / ".spell" / "tmp"
    try:
        directory_.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix, prefix, directory_)
        os.close(fd)
    except OSError as e:
        return error(f"Error creating temp file: {os_detail(e, str(directory_))}")
    return ok(name)


def cwd(ws: Workspace) -> str:
    return str(ws.root)


def env(ws: Workspace, *name: Any) -> Any:
    """All variables as a map, or one value (nil when unset); secrets redacted."""
    if name:
        key = text_arg(name[0], "name")
        value = os.environ.get(key)
        return REDACTED if value is not None and is_secret(key) else value
    return SMap((k, REDACTED if is_secret(k) else v) for k, v in sorted(os.environ.items()))


# ---------------------------------------------------------------------------------------
# Processes


def timeout_opt(opts: SMap, default: float) -> float | None:
    """Seconds to wait; None waits forever (`0` disables the timeout)."""
    value = opts.get(kw("timeout"), default)
    if not is_number(value) or type(value) is bool or value < 0:
        raise BuiltinError(f":timeout must be a non-negative number, got {pr(value)}")
    return float(value) or None


def shell_argv(command: str) -> list[str]:
    return [shutil.which("bash") or "/bin/sh", "-c", command]


def sh(ws: Workspace, command: Any, *more: Any) -> Any:
    """Run the concatenated parts with `bash -c`; trailing `{:timeout s}` option map."""
    if not ws.allow_shell:
        return error(SHELL_DISABLED)
    parts = [command, *more]
    opts = SMap()
    if more and isinstance(more[-1], SMap):
        opts, parts = more[-1], parts[:-1]
    for part in parts:
        if type(part) is not str:
            raise BuiltinError(f"all command segments must be strings, got {pr(part)}. "
                               "For options, pass a map as the last argument: {:timeout 60}")
    return ws.run(shell_argv("".join(parts)), timeout_opt(opts, ws.shell_timeout))


def exec_(ws: Workspace, argv: Any) -> Any:
    """Run a program directly (no shell)."""
    if not ws.allow_shell:
        return error(SHELL_DISABLED)
    if (not isinstance(argv, (SVector, SList)) or not argv
            or any(type(a) is not str for a in argv)):
        raise BuiltinError(f"expected a vector of strings [cmd arg ...], got {pr(argv)}")
    return ws.run(list(argv), ws.shell_timeout)


def sh_test(ws: Workspace, command: Any) -> SMap:
    """A thunk that runs `command` with io/sh and reports `{:pass :output}`."""
    command = text_arg(command, "command")
    head = pr(f"COMMAND: {command}\nEXIT: ")
    body = read_one(f"(let [r (io/sh {pr(command)})] {{:pass (= 0 (:exit r)) :output (str "
                    f"{head} (:exit r) {OUT_HEAD} (:out r) {ERR_HEAD} (:err r))}})")
    return make_fn(SVector(), [body])


def watch_send(ws: Workspace, path: Any, handle: Any, *timeout: Any) -> SMap:
    """Directory watching needs the multi-agent runtime, which this build does not have."""
    return error("io/watch-send: not available in this run")


# ---------------------------------------------------------------------------------------
# Documentation: function records, guides, details


FUNCTIONS = (
    NsFunction("read-lines", "(io/read-lines path [start end])", "1-3",
              "Vector of the file's lines (1-based, end excluded); the prefix shows line "
              "numbers.", read_lines),
    NsFunction("read-file", "(io/read-file path [start end])", "1-3",
              "One string of numbered lines \"n: text\" (1-based, end excluded).", read_file),
    NsFunction("slurp", "(io/slurp path)", 1, "{:ok text} of the whole file.", slurp),
    NsFunction("slurp-bytes", "(io/slurp-bytes path)", 1,
              "{:ok base64 :encoding \"base64\"} of the file's bytes.", slurp_bytes),
    NsFunction("spit", "(io/spit path text [{:append true}])", "2-3",
              "Write (or append) text, creating parent directories; {:ok path}.", spit),
    NsFunction("write-file", "(io/write-file path text)", 2, "Same as (io/spit path text).",
              write_file),
    NsFunction("str-replace", "(io/str-replace path old new [{:all true}])", "3-4",
              "Replace the one occurrence of old (or all with :all); {:ok path}.", str_replace),
    NsFunction("replace-lines", "(io/replace-lines path start end text) or "
              "(io/replace-lines path [[start end text] ...])", "2-4",
              "Replace line ranges of the original file, all at once; {:ok path}.",
              replace_lines),
    NsFunction("grep", "(io/grep pattern path [opts])", "2-3",
              "Recursive regex search: {:exit :out :err}, out lines path:line:text; "
              "opts :context :include :ignore-case :max-count.", grep),
    NsFunction("glob", "(io/glob pattern [path] [opts])", "1-3",
              "Sorted paths whose name matches pattern: {:exit :out :err}; opts :type "
              ":max-depth.", glob),
    NsFunction("git", "(io/git sub & args)", "1+",
              "Read-only git (blame diff log rev-parse show status): {:exit :out :err}.", git),
    NsFunction("ls", "(io/ls path)", 1,
              "Sorted [{:name :size} ...]; directories end with / and have size 0.", ls),
    NsFunction("exists?", "(io/exists? path)", 1, "True when the file or directory exists.",
              exists),
    NsFunction("directory?", "(io/directory? path)", 1, "True for a directory.", directory),
    NsFunction("stat", "(io/stat path)", 1,
              "{:size :modified :readable :writable :executable :directory}.", stat),
    NsFunction("mkdir", "(io/mkdir path)", 1, "Create one directory; {:ok path}.", mkdir),
    NsFunction("mkdirs", "(io/mkdirs path)", 1,
              "Create a directory and its parents (fine if it exists); {:ok path}.", mkdirs),
    NsFunction("delete", "(io/delete path)", 1,
              "Delete a file or an empty directory; {:ok path}.", delete),
    NsFunction("copy", "(io/copy src dest)", 2, "Copy src to dest, overwriting; {:ok dest}.",
              copy),
    NsFunction("move", "(io/move src dest)", 2, "Move or rename, overwriting; {:ok dest}.",
              move),
    NsFunction("temp-file", "(io/temp-file [prefix suffix])", "0-2",
              "Create an empty file under .spell/tmp/; {:ok absolute-path}.", temp_file),
    NsFunction("cwd", "(io/cwd)", 0, "The workspace root (absolute path).", cwd),
    NsFunction("env", "(io/env [name])", "0-1",
              "Environment variables as a map, or one value (nil if unset); secrets "
              "redacted.", env),
    NsFunction("sh", "(io/sh command & parts [{:timeout s}])", "1+",
              "Run the joined parts with bash: {:exit :out :err}; default timeout 30 s.", sh),
    NsFunction("exec", "(io/exec [program arg ...])", 1,
              "Run a program without a shell: {:exit :out :err}.", exec_),
    NsFunction("sh-test", "(io/sh-test command)", 1,
              "A function of no arguments that runs command: {:pass :output}.", sh_test),
    NsFunction("watch-send", "(io/watch-send dir handle [timeout-ms])", "2-3",
              "Send the next batch of changes in dir to handle as a message; returns nil.",
              watch_send),
)

SUBSETS = {
    "io-read": ("slurp", "slurp-bytes", "read-file", "read-lines", "grep", "glob", "git",
                "exists?", "directory?", "ls", "cwd", "stat", "env"),
    "io-write": ("write-file", "spit", "str-replace", "replace-lines", "mkdir", "mkdirs",
                 "delete", "copy", "move", "temp-file"),
    "io-exec": ("sh", "sh-test", "exec", "watch-send"),
}

SHORT_DOCS = {
    "io": "Files, code search (grep, glob, git), line-based editing and shell commands "
          "in the workspace.",
    "io-read": "Inspect the workspace: read files, grep, glob, git, ls (no edits, no "
               "commands).",
    "io-write": "Create, edit, copy, move and delete files in the workspace.",
    "io-exec": "Run shell commands and programs in the workspace.",
}

CURSOR_NOTE = """In examples, | marks the cursor: the text before it is the prefix, the text after it is
what you write. Never type the |. A ... before the cursor stands for earlier program text."""

EFFECT_NOTE = "Every io/ function is an effect: call it only inside the quoted trailing expression."

MISTAKE_OUTSIDE = """1. Calling an io/ function outside the quoted trailing expression: io/ is unbound there
   and the program fails. Quote the call and make it the last form."""

MISTAKE_NO_CALL_NOW = """2. Forgetting !call-now: '(io/read-file "a.py") runs but its result is thrown away.
   Bind it: '(!call-now src (io/read-file "a.py")), or '(!peek-now src ...) for one turn."""

PATTERN_GREP = """Recommended usage pattern: Find code with one grep.
Hits with the code around them answer most questions without opening the file.

1. Search with context; the result lives for one turn.
  ...(think "Where is the session timeout set?")
  |'(!peek-now hits (io/grep "timeout" "src" {:include "*.py" :context 2}))

2. Next turn: keep the one fact you need; the hits are pruned after this turn.
  ...(def hits {:exit 0, :out "src/app.py-11-\\nsrc/app.py:12:TIMEOUT = 30\\n...", :err ""})
  (prune 2)
  |(persist timeout-at "src/app.py line 12")
  '(!extend)"""

PATTERN_PEEK = """Recommended usage pattern: Explore several files and persist snippets.
Peeked results disappear after one turn; persist keeps exactly the lines you still need.

1. Peek at two files at once.
  ...(think "How does app.py load its config?")
  |'(!peek-now a (io/read-lines "app.py" 1 4) b (io/read-lines "config.py" 1 3))

2. Next turn: both are visible with line numbers. Persist what matters, then continue.
  ...(def a (first-line 1 [
   "from config import load" ; 1
   "cfg = load('app.toml')" ; 2
   "run(cfg)" ; 3
  ])) (def b (first-line 1 [
   "def load(path):" ; 1
   "    return toml.load(open(path))" ; 2
  ])) (prune 3)
  |(persist loader b)
  (think "app.py line 2 passes the path; config.load opens it with toml.")
  '(!extend)"""

PATTERN_PATCH = """Recommended usage pattern: Patch a file with io/str-replace.
The old text names the place, so no line numbers are needed; verify in the same turn.

1. Replace a unique piece of text and run the tests in one call.
  ...(think "The bug: total starts at 1 in stats.py.")
  |'(!call-now r (do (io/str-replace "stats.py" "total = 1" "total = 0")
                     (io/sh "python3 -m pytest -q tests/test_stats.py")))

2. Next turn: the result is bound. If the edit failed, r would be its {:error ...} map.
  ...(def r {:exit 0, :out "3 passed in 0.02s", :err ""})
  |(think "Fixed: total starts at 0 and the tests pass.")
  '(!extend)"""

PATTERN_SCRIPT = """Recommended usage pattern: Write a script to a file and run it in the same turn.
A file avoids quoting trouble in long shell strings, and one call both writes and runs it.

1. Define the script text, write it and run it.
  ...(think "Which Python version is installed?")
  |(def probe "import sys\\nprint(sys.version.split()[0])\\n")
  '(!peek-now out (do (io/spit "probe.py" probe) (io/sh "python3 probe.py")))

2. Next turn: keep the answer, let the output be pruned.
  ...(def out {:exit 0, :out "3.11.2", :err ""})
  (prune 2)
  |(persist python-version (:out out))
  '(!extend)"""

PATTERN_LINES = """Recommended usage pattern: Read, then replace by line number.
Line numbers come with the lines you read, so the edit needs no copy of the old text.

1. Read the lines around the function.
  ...(think "parse_date in dates.py splits on the wrong separator.")
  |'(!peek-now src (io/read-lines "dates.py" 11 14))

2. Next turn: lines 11 to 13 are visible once. Replace 12 and 13 (end 14 is excluded).
  ...(def src (first-line 11 [
   "def parse_date(s):" ; 11
   "    y, m, d = s.split('/')" ; 12
   "    return date(y, m, d)" ; 13
  ])) (prune 2)
  |'(!call-now _ (io/replace-lines "dates.py" 12 14
     "    y, m, d = map(int, s.split('-'))\\n    return date(y, m, d)"))"""

PATTERN_TRUNCATED = """Recommended usage pattern: Recover from a truncated read.
A long file comes back cut off ("... [truncated, N chars total]"). Reading it again costs
the same context; drop it and search instead.

1. Rethink the call and its result away, and grep in the same turn.
  ...'(!call-now src (io/read-file "server.py"))
  (def src "   1: import os\\n   2: import sys\\n... [truncated, 48210 chars total]")
  |(rethink 2 "server.py is too long to read whole; grep for the handlers.")
  '(!peek-now hits (io/grep "def handle_" "server.py" {:context 3}))

2. Next turn: read only the range the hits point to.
  ...(def hits {:exit 0, :out "server.py-117-\\n...\\nserver.py:120:def handle_get(req):", :err ""})
  (prune 2)
  |'(!peek-now body (io/read-lines "server.py" 120 150))"""

PATTERN_TESTS = """Recommended usage pattern: Run the tests and keep only the verdict.
Test output is long; look at it once and persist the line that matters.

1. Run the command with a timeout that fits it.
  ...(think "Run the unit tests after the fix.")
  |'(!peek-now r (io/sh "python3 -m pytest -q" {:timeout 300}))

2. Next turn: the output is visible once; persist its summary.
  ...(def r {:exit 1, :out "...\\nFAILED tests/test_io.py::test_ls\\n1 failed, 41 passed", :err ""})
  (prune 2)
  |(persist failing "tests/test_io.py::test_ls")
  '(!peek-now src (io/read-lines "tests/test_io.py" 1 40))"""

PATTERN_MULTI_EDIT = """Recommended usage pattern: Several line edits at once.
Numbers refer to the file as it was read, so later edits do not shift earlier ones.

1. Insert an import before line 1 and replace lines 40 to 42 in one call.
  ...(persist body (first-line 40 ["    x = load()" "    y = x + 1" "    return y"]))
  |'(!call-now _ (io/replace-lines "calc.py" [[1 1 "import math"]
                                              [40 43 "    return load() + 1"]]))"""

SIGNATURES = (
    ("read-lines", "(io/read-lines path)", "vector of the lines, numbered in the prefix"),
    ("read-lines", "(io/read-lines path start end)", "lines start to end-1 (1-based)"),
    ("read-file", "(io/read-file path)", 'one string of numbered lines "n: text"'),
    ("read-file", "(io/read-file path start end)", "the same for lines start to end-1"),
    ("slurp", "(io/slurp path)", "{:ok text}"),
    ("slurp-bytes", "(io/slurp-bytes path)", '{:ok base64 :encoding "base64"}'),
    ("grep", "(io/grep pattern path)", "{:exit :out :err}; out lines path:line:text"),
    ("grep", "(io/grep pattern path {:context 3})", "every hit with 3 lines around it"),
    ("grep", '(io/grep pattern path {:include "*.py"})', "only files whose name matches"),
    ("grep", "(io/grep pattern path {:ignore-case true})", "also :max-count n (hits per file)"),
    ("glob", "(io/glob pattern)", "{:exit :out :err}; out lists matching paths, sorted"),
    ("glob", "(io/glob pattern path)", 'search under path instead of "."'),
    ("glob", '(io/glob pattern path {:type "f"})', 'files only ("d": directories); :max-depth n'),
    ("git", "(io/git sub arg ...)", "blame, diff, log, rev-parse, show or status"),
    ("ls", "(io/ls path)", '[{:name "a.txt" :size 12} {:name "src/" :size 0}]'),
    ("exists?", "(io/exists? path)", "true or false"),
    ("directory?", "(io/directory? path)", "true or false"),
    ("stat", "(io/stat path)", "{:size :modified :readable :writable ...}"),
    ("cwd", "(io/cwd)", "the workspace root"),
    ("env", "(io/env)", "map of environment variables, secrets redacted"),
    ("env", "(io/env name)", "one variable, or nil"),
    ("spit", "(io/spit path text)", "write the file, parents created; {:ok path}"),
    ("spit", "(io/spit path text {:append true})", "add text to the end instead"),
    ("write-file", "(io/write-file path text)", "same as (io/spit path text)"),
    ("str-replace", "(io/str-replace path old new)", "replace the one occurrence of old"),
    ("str-replace", "(io/str-replace path old new {:all true})", "replace every occurrence"),
    ("replace-lines", "(io/replace-lines path start end text)", "lines start to end-1 become text"),
    ("replace-lines", "(io/replace-lines path [[s e text] ...])", "several ranges at once"),
    ("mkdir", "(io/mkdir path)", "create one directory"),
    ("mkdirs", "(io/mkdirs path)", "create a directory and its parents"),
    ("delete", "(io/delete path)", "delete a file or an empty directory"),
    ("copy", "(io/copy src dest)", "copy, overwriting dest; {:ok dest}"),
    ("move", "(io/move src dest)", "move or rename, overwriting dest"),
    ("temp-file", "(io/temp-file)", "{:ok path} of a new empty file in .spell/tmp/"),
    ("temp-file", "(io/temp-file prefix suffix)", "the same, named prefix...suffix"),
    ("sh", "(io/sh command part ...)", "{:exit :out :err}; parts joined, run by bash"),
    ("sh", "(io/sh command {:timeout 300})", "stop after 300 s (default 30, 0: no limit)"),
    ("exec", "(io/exec [program arg ...])", "run a program without a shell"),
    ("sh-test", "(io/sh-test command)", "a function that runs command: {:pass :output}"),
    ("watch-send", "(io/watch-send dir handle)", "message handle when files in dir change"),
    ("watch-send", "(io/watch-send dir handle timeout-ms)", "stop watching after timeout-ms"),
)


def signature_table(names: Iterable[str]) -> str:
    """The aligned signature lines of the given functions (spec 10.1 step 2)."""
    rows = [(call, what) for name, call, what in SIGNATURES if name in set(names)]
    width = max(len(call) for call, _ in rows)
    return "\n".join(f"  {call:<{width}}  — {what}" for call, what in rows)


def guide(title: str, names: Iterable[str], notes: str, mistakes: str,
          patterns: Iterable[str]) -> str:
    """A guide in the order of spec 10.1."""
    parts = [title, signature_table(names), notes + "\n" + EFFECT_NOTE,
             "Common mistakes:", mistakes, CURSOR_NOTE, *patterns]
    return "\n\n".join(parts) + "\n"


ALL_NAMES = tuple(f.name for f in FUNCTIONS)

GUIDES = {
    "io": guide(
        "IO — Files, code search, line-based editing, shell commands and file watching.",
        ALL_NAMES,
        """Paths are relative to the workspace root and cannot leave it. Failures of the outside
world come back as {:error msg} maps: check (:error r) before using (:ok r).
ls returns {:name :size} maps, directories end with / and have size 0.
Line ranges are 1-based with the end excluded: (io/read-lines p 10 20) is lines 10 to 19.
read-lines results keep their line numbers, also through subvec and persist.
grep with :context N returns every hit with N lines around it in one call.
Prefer read-lines, grep, glob and replace-lines; use sh for builds, tests and tools.
Details of one function: (!describe io :grep).""",
        MISTAKE_OUTSIDE + "\n" + MISTAKE_NO_CALL_NOW + """
3. Using io/sh for everything: cat, sed and grep through a shell cost more text and break
   on quoting. Use io/read-lines, io/str-replace, io/replace-lines and io/grep instead.
4. Grepping in one turn and reading the hits in the next: one grep with {:context 5}
   shows each hit with the code around it.""",
        (PATTERN_PATCH, PATTERN_SCRIPT, PATTERN_LINES, PATTERN_PEEK, PATTERN_TRUNCATED)),
    "io-read": guide(
        "IO-READ — Inspect the workspace without editing files or running commands.",
        SUBSETS["io-read"],
        """The functions are called with the io/ prefix. Paths are relative to the workspace root
and cannot leave it; failures come back as {:error msg} maps.
ls returns {:name :size} maps, directories end with / and have size 0.
grep with :context N returns every hit with N lines around it in one call.
Prefer read-lines with a range over whole files. Details: (!describe io :read-lines).""",
        MISTAKE_OUTSIDE + "\n" + MISTAKE_NO_CALL_NOW + """
3. Grepping in one turn and reading the hits in the next: one grep with {:context 5}
   shows each hit with the code around it.
4. Reading a large file whole: it gets truncated and fills the context. Grep first, then
   read the range you need with (io/read-lines path start end).""",
        (PATTERN_GREP, PATTERN_PEEK)),
    "io-write": guide(
        "IO-WRITE — Create, edit, copy, move and delete files in the workspace.",
        SUBSETS["io-write"],
        """The functions are called with the io/ prefix. Paths are relative to the workspace root
and cannot leave it. Success is {:ok path}; failures are {:error msg} maps, so check
(:error r). Line ranges are 1-based with the end excluded; start = end inserts.
Details of one function: (!describe io :replace-lines).""",
        MISTAKE_OUTSIDE + """
2. Rewriting a whole file with io/spit to change a few lines: it costs the whole file in
   text and loses what you did not copy. Use io/str-replace or io/replace-lines.
3. A str-replace whose old text occurs several times: it fails with "String appears N
   times". Include more surrounding text, or pass {:all true} if every one should change.
4. Editing one file twice with line numbers from before the first edit: the second edit
   lands on shifted lines. Give both ranges in one (io/replace-lines path [[s e t] ...]).""",
        (PATTERN_PATCH, PATTERN_MULTI_EDIT)),
    "io-exec": guide(
        "IO-EXEC — Run shell commands and programs, and watch directories for changes.",
        SUBSETS["io-exec"],
        """The functions are called with the io/ prefix. Commands run in the workspace root and
need shell access for the run; without it they return {:error msg}. Results are
{:exit n :out text :err text}; a command still running after the timeout is stopped with
exit -1. Secret environment variables are not passed on.
Details of one function: (!describe io :sh).""",
        MISTAKE_OUTSIDE + "\n" + MISTAKE_NO_CALL_NOW + """
3. Passing an option map or a number in the middle of the command parts: every part must
   be a string and the option map goes last, as in (io/sh "make " target {:timeout 600}).
4. Starting a long build or test run with the default 30 s timeout: it is stopped early.
   Pass {:timeout 600}, or {:timeout 0} for no limit.""",
        (PATTERN_TESTS, PATTERN_SCRIPT)),
}

DETAIL = {
    "read-lines": r"""(io/read-lines path)
(io/read-lines path start end)

  path        file to read, relative to the workspace root
  start, end  1-based line numbers, end excluded; clamped to the file

Returns a vector of the raw lines (no line ends). The vector remembers the number of its
first line: bound with !call-now or !peek-now it appears in the next prefix as
(first-line n [...]) with each line's number in a comment, and subvec keeps the numbers.
An empty file gives []. Failures: {:error "File not found: path"}.

Example:
  '(!peek-now src (io/read-lines "app.py" 10 20))   ;; lines 10 to 19
  (subvec src 2 4)                                  ;; lines 12 and 13""",
    "read-file": r"""(io/read-file path)
(io/read-file path start end)

Returns one string of numbered lines, "n: text", numbers right-aligned to the widest one
shown. Same range rules as read-lines. An empty file gives "".

Example:
  (io/read-file "app.py" 1 3)   ;; => "1: import os\n2: import sys\"""",
    "slurp": """(io/slurp path)

Returns {:ok text} with the whole file, line ends untouched, or {:error msg}.""",
    "slurp-bytes": """(io/slurp-bytes path)

Returns {:ok "<base64>" :encoding "base64"} with the file's bytes, for binary files.""",
    "spit": """(io/spit path text)
(io/spit path text {:append true})

Writes text to the file (replacing it, or appending with :append), creating missing
parent directories. Returns {:ok path} or {:error "Error writing file: ..."}.

Example:
  (io/spit "notes/todo.txt" "check the parser\\n" {:append true})""",
    "write-file": """(io/write-file path text)

Same as (io/spit path text): {:ok path} or {:error msg}.""",
    "str-replace": """(io/str-replace path old new)
(io/str-replace path old new {:all true})

Replaces literal text (not a regex). Without :all, old must occur exactly once.
Returns {:ok path}, or one of these errors:
  "old-str cannot be nil", "new-str cannot be nil", "old-str cannot be empty",
  "String not found in file: <old>", "String appears <n> times (must be unique): <old>"

Example:
  (io/str-replace "config.py" "DEBUG = True" "DEBUG = False")""",
    "replace-lines": """(io/replace-lines path start end text)
(io/replace-lines path [[start end text] ...])

  start, end  1-based line numbers of the file as it is now, end excluded
  text        the new lines; "" deletes the range; a final newline in it adds nothing

start = end inserts before line start; start = (line count + 1) appends. Several edits
use the original numbering and are applied together, or not at all. The file keeps its
final newline. Errors: "Start line <s> out of range (file has <n> lines)",
"End line <e> out of range (start=<s>, file has <n> lines)",
"Edits have overlapping line ranges".

Example:
  (io/replace-lines "app.py" 42 45 "    return x")    ;; lines 42-44 become one line
  (io/replace-lines "app.py" 10 10 "# note")          ;; insert before line 10
  (io/replace-lines "app.py" [[3 4 ""] [20 20 "# end"]])""",
    "grep": """(io/grep pattern path)
(io/grep pattern path {:context n :include "*.py" :ignore-case true :max-count n})

  pattern  an extended regular expression (as grep -E)
  path     a file or a directory, searched recursively

Returns {:exit 0 :out text :err ""} like grep -rnH: one line per hit, "path:line:text";
with :context, lines around hits as "path-line-text" and groups separated by "--".
Nothing found: {:exit 1 :out "" :err ""}. :include keeps files whose name matches the
glob; :max-count limits hits per file. Binary files and symlinks inside directories are
skipped; files are visited in name order.

Example:
  (io/grep "def (load|save)" "src" {:include "*.py" :context 2})""",
    "glob": """(io/glob pattern)
(io/glob pattern path)
(io/glob pattern path {:type "f" :max-depth n})

Like find path -name pattern | sort: {:exit 0 :out "<paths, one per line>" :err ""}.
path defaults to "."; :type "f" keeps files, "d" directories, "l" symlinks; :max-depth 1
stays in path itself. The pattern matches names, not paths: "*.py", "test_*".

Example:
  (io/glob "*.py" "src")   ;; => {:exit 0, :out "src/a.py\\nsrc/lib/b.py", :err ""}""",
    "git": """(io/git sub arg ...)

Runs git in the workspace root, without a shell. Allowed sub-commands: blame, diff, log,
rev-parse, show, status. Returns {:exit :out :err}; any other sub-command gives
{:error "git subcommand not allowed: ..."}. Options that read or write files outside the
repository (--output, --no-index, ...) are refused.

Example:
  (io/git "log" "--oneline" "-5")
  (io/git "diff" "--stat")""",
    "ls": """(io/ls path)

Returns a vector of {:name :size} maps sorted by name; directory names end with / and
have size 0. Not a directory: {:error "Not a directory: path"}.""",
    "exists?": """(io/exists? path)

True when a file or directory exists at path. A path outside the workspace is an error
(not false).""",
    "directory?": """(io/directory? path)

True when path is a directory. A path outside the workspace is an error (not false).""",
    "stat": """(io/stat path)

Returns {:size bytes :modified ms-since-epoch :readable b :writable b :executable b
:directory b}, or {:error "File not found: path"}.""",
    "mkdir": """(io/mkdir path)

Creates one directory: {:ok path}; {:error "Already exists: path"} if something is
there.""",
    "mkdirs": """(io/mkdirs path)

Creates the directory and its missing parents: {:ok path}, also when it already exists.""",
    "delete": """(io/delete path)

Deletes a file or an empty directory: {:ok path}. A non-empty directory gives
{:error "Failed to delete (directory not empty?): path"}.""",
    "copy": """(io/copy src dest)

Copies a file (or a directory tree) to dest, replacing dest: {:ok dest}, or
{:error "Source not found: src"}.""",
    "move": """(io/move src dest)

Moves or renames src to dest, replacing dest: {:ok dest}, or
{:error "Source not found: src"}.""",
    "temp-file": """(io/temp-file)
(io/temp-file prefix suffix)

Creates an empty file with a fresh name under .spell/tmp/ in the workspace and returns
{:ok "<absolute path>"}.""",
    "cwd": """(io/cwd)

The absolute path of the workspace root; relative paths are resolved against it.""",
    "env": """(io/env)
(io/env name)

All environment variables as a map of strings, or the value of one (nil when unset).
Variables whose names contain KEY, TOKEN, SECRET or PASSWORD read as "<redacted>".""",
    "sh": """(io/sh command)
(io/sh command part ...)
(io/sh command part ... {:timeout seconds})

Joins command and parts (all strings) into one command line and runs it with bash in the
workspace root. Returns {:exit n :out text :err text}, both texts trimmed. The default
timeout is 30 s; {:timeout 0} disables it. A timed-out command gives
{:exit -1 :out "" :err "Command timed out after <s> seconds"}. Needs shell access for
the run. Secret environment variables are not passed on.

Example:
  (io/sh "python3 -m pytest -q " test-file {:timeout 300})""",
    "exec": """(io/exec [program arg ...])

Runs a program directly, without a shell, so arguments need no quoting. Same result and
default timeout as io/sh; needs shell access.

Example:
  (io/exec ["python3" "-c" "print(6 * 7)"])   ;; => {:exit 0, :out "42", :err ""}""",
    "sh-test": """(io/sh-test command)

Returns a function of no arguments; calling it runs command with io/sh and returns
{:pass (exit is 0) :output "COMMAND: ...\\nEXIT: ...\\nOUT:\\n...\\nERR:\\n..."}.
Use it to hand a check to code that runs it later, such as a pattern.

Example:
  '(!call-now verdict ((io/sh-test "python3 -m pytest -q")))""",
    "watch-send": """(io/watch-send dir handle)
(io/watch-send dir handle timeout-ms)

Returns nil at once. A background watcher sends the first batch of changes in dir to
handle as a message from :watch-send with body [{:kind :create|:modify|:delete
:name "file"} ...]; nothing is sent on timeout. Needs the multi-agent runtime; without
it the call returns {:error msg}.""",
}

RECORDS = {f.name: f for f in FUNCTIONS}


def namespace_info(name: str) -> NamespaceInfo:
    """The documentation of `io` or one of its subsets."""
    names = ALL_NAMES if name == "io" else SUBSETS[name]
    return NamespaceInfo(name, "effect", SHORT_DOCS[name], GUIDES[name],
                         tuple(RECORDS[n] for n in names), {n: DETAIL[n] for n in names},
                         bound_as="" if name == "io" else "io")


NAMES = ("io", *SUBSETS)
for _name in NAMES:
    REGISTRY[_name] = namespace_info(_name)


def make_io_namespaces(root: Path | str, *, allow_shell: bool = False,
                       extra_roots: Iterable[Path | str] = (),
                       shell_timeout: float = 30.0) -> dict[str, SMap]:
    """The `io` namespace and its subsets `io-read`, `io-write`, `io-exec`, confined to
    `root` (and `extra_roots`); the subsets share the callables of `io`."""
    ws = Workspace(root, allow_shell, extra_roots, shell_timeout)
    callables = {f.name: Builtin(f"io/{f.name}", partial(f.fn, ws), arity(f.arity))
                 for f in FUNCTIONS}
    return {name: namespace_map(REGISTRY[name], callables) for name in NAMES}
