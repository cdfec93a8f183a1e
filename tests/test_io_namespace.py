"""The `io` effect namespace (spec 9.5, D8): every function against a temporary workspace,
through Python and through Spell evaluation, and the confinement to the workspace root."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import spell_lsp  # noqa: F401  (registers the core namespaces)
from spell_lsp.lang.core import context_for, evaluate_text
from spell_lsp.lang.errors import BuiltinError, SpellError
from spell_lsp.lang.table import Builtin
from spell_lsp.namespaces import io as io_module
from spell_lsp.namespaces.io import make_io_namespaces
from spell_lsp.namespaces.nsdef import REGISTRY
from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.values import SMap, SVector, is_spell_fn, kw

ESCAPE = "io: path escapes the workspace root: "
NO_SHELL = {"error": "io: shell access is not enabled for this run"}


def plain(v):
    """Spell results as Python data, for readable comparisons."""
    if isinstance(v, SMap):
        return {getattr(k, "name", k): plain(x) for k, x in v.items()}
    if isinstance(v, tuple):
        return [plain(x) for x in v]
    return v


@pytest.fixture
def root(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "notes.txt").write_text("alpha\nbeta\n")
    (ws / "src" / "lib").mkdir(parents=True)
    (ws / "src" / "a.py").write_text("def load():\n    x = 1\n    return x\n")
    (ws / "src" / "lib" / "b.py").write_text("import a\nload()\n")
    (ws / "src" / "many.txt").write_text("x\nload1\ny\nz\nw\nload2\nload3\nq\nr\ns\nt\nload4\n")
    (ws / "src" / "bin.dat").write_bytes(b"\x00\x01load\n")
    return ws


@pytest.fixture
def outside(tmp_path):
    out = tmp_path / "outside"
    out.mkdir()
    (out / "secret.txt").write_text("top secret\n")
    return out


def io_fn(root, name, **options):
    return make_io_namespaces(root, **options)["io"].get(kw(name)).fn


def call(root, name, *args, **options):
    return plain(io_fn(root, name, **options)(*args))


def opts(**kv):
    return SMap((kw(k.replace("_", "-")), v) for k, v in kv.items())


def spell(root, source, **options):
    """Evaluate `source` as the trailing expression of a wrapper program."""
    ctx = context_for({"effect_namespaces": make_io_namespaces(root, **options)})
    return evaluate_text(f"(quine completion (eval (do '{source})))", ctx=ctx)


# ---------------------------------------------------------------------------------------
# Reading


@pytest.mark.parametrize("content, bounds, lines, first", [
    ("alpha\nbeta\n", (), ["alpha", "beta"], 1),
    ("a\nb\nc\nd\n", (2, 4), ["b", "c"], 2),
    ("a\nb\nc\nd\n", (0, 2), ["a"], 1),
    ("a\nb\nc\nd\n", (3, 99), ["c", "d"], 3),
    ("a\nb\nc\nd\n", (9, 12), ["d"], 4),
    ("a\nb\nc\nd\n", (3, 2), [], 3),
    ("a\r\nb\r\n\n\n", (), ["a", "b"], 1),
    ("no newline", (), ["no newline"], 1),
    ("", (), [], 1),
    ("", (5, 9), [], 5),
])
def test_read_lines(root, content, bounds, lines, first):
    (root / "f.txt").write_text(content, newline="")
    v = io_fn(root, "read-lines")("f.txt", *bounds)
    assert type(v) is SVector and list(v) == lines and v.first_line == first


def test_read_lines_through_spell_keeps_first_line(root):
    v = spell(root, '(io/read-lines "notes.txt" 2 3)')
    assert list(v) == ["beta"] and v.first_line == 2


@pytest.mark.parametrize("bounds, expected", [
    ((), "1: alpha\n2: beta"),
    ((2, 3), "2: beta"),
])
def test_read_file(root, bounds, expected):
    assert call(root, "read-file", "notes.txt", *bounds) == expected


def test_read_file_aligns_numbers_to_the_widest_shown(root):
    (root / "long.txt").write_text("".join(f"l{i}\n" for i in range(1, 13)))
    assert call(root, "read-file", "long.txt", 8, 11) == " 8: l8\n 9: l9\n10: l10"
    (root / "empty.txt").write_text("")
    assert call(root, "read-file", "empty.txt") == ""


def test_read_range_arguments_are_checked(root):
    with pytest.raises(BuiltinError, match=r"wrong number of args \(2\)"):
        io_fn(root, "read-lines")("notes.txt", 1)
    with pytest.raises(BuiltinError, match='start must be an integer, got "1"'):
        io_fn(root, "read-file")("notes.txt", "1", 2)


def test_slurp_and_slurp_bytes(root):
    assert call(root, "slurp", "notes.txt") == {"ok": "alpha\nbeta\n"}
    encoded = call(root, "slurp-bytes", "src/bin.dat")
    assert encoded == {"ok": base64.b64encode(b"\x00\x01load\n").decode(),
                       "encoding": "base64"}


@pytest.mark.parametrize("fn", ["read-lines", "read-file", "slurp", "slurp-bytes"])
def test_missing_file(root, fn):
    assert call(root, fn, "nope.txt") == {"error": "File not found: nope.txt"}


def test_reading_a_directory_is_an_error_map(root):
    assert call(root, "slurp", "src")["error"].startswith("Error reading file: src")


# ---------------------------------------------------------------------------------------
# Writing and editing


def test_spit_creates_parents_and_appends(root):
    assert call(root, "spit", "new/dir/f.txt", "one\n") == {"ok": "new/dir/f.txt"}
    assert call(root, "spit", "new/dir/f.txt", "two\n", opts(append=True)) == \
        {"ok": "new/dir/f.txt"}
    assert (root / "new/dir/f.txt").read_text() == "one\ntwo\n"
    assert call(root, "write-file", "new/dir/f.txt", "three") == {"ok": "new/dir/f.txt"}
    assert (root / "new/dir/f.txt").read_text() == "three"


def test_spit_into_a_file_path_fails_as_a_map(root):
    assert call(root, "spit", "notes.txt/x", "a")["error"].startswith("Error writing file: ")


def test_spit_content_must_be_a_string(root):
    with pytest.raises(SpellError, match=r"^Function call failed: io/spit: content must be "
                                         r"a string, got 42$"):
        spell(root, '(io/spit "x.txt" 42)')


@pytest.mark.parametrize("args, result, content", [
    (("notes.txt", "beta", "gamma"), {"ok": "notes.txt"}, "alpha\ngamma\n"),
    (("notes.txt", "a", "A", opts(all=True)), {"ok": "notes.txt"}, "AlphA\nbetA\n"),
    (("notes.txt", "a", "A"), {"error": 'String appears 3 times (must be unique): "a"'},
     "alpha\nbeta\n"),
    (("notes.txt", "zeta", "x"), {"error": 'String not found in file: "zeta"'},
     "alpha\nbeta\n"),
    (("notes.txt", "", "x"), {"error": "old-str cannot be empty"}, "alpha\nbeta\n"),
    (("notes.txt", None, "x"), {"error": "old-str cannot be nil"}, "alpha\nbeta\n"),
    (("notes.txt", "a", None), {"error": "new-str cannot be nil"}, "alpha\nbeta\n"),
    (("notes.txt", "\n", "\\n"), {"error": 'String appears 2 times (must be unique): "\\n"'},
     "alpha\nbeta\n"),
])
def test_str_replace(root, args, result, content):
    assert call(root, "str-replace", *args) == result
    assert (root / "notes.txt").read_text() == content


def test_str_replace_nil_through_spell(root):
    assert plain(spell(root, '(io/str-replace "notes.txt" nil "x")')) == \
        {"error": "old-str cannot be nil"}
    assert call(root, "str-replace", "gone.txt", "a", "b") == \
        {"error": "File not found: gone.txt"}


FIVE = "l1\nl2\nl3\nl4\nl5\n"


@pytest.mark.parametrize("args, content", [
    ((2, 4, "X"), "l1\nX\nl4\nl5\n"),
    ((2, 2, "ins"), "l1\nins\nl2\nl3\nl4\nl5\n"),
    ((6, 6, "end"), "l1\nl2\nl3\nl4\nl5\nend\n"),
    ((1, 3, ""), "l3\nl4\nl5\n"),
    ((3, 4, "a\nb\n"), "l1\nl2\na\nb\nl4\nl5\n"),
    ((1, 6, ""), ""),
    ((SVector([SVector([1, 2, "A"]), SVector([4, 6, "B"])]),), "A\nl2\nl3\nB\n"),
    ((SVector([SVector([4, 5, "four"]), SVector([2, 2, "ins"]), SVector([2, 3, "two"])]),),
     "l1\nins\ntwo\nl3\nfour\nl5\n"),
    ((SVector([SVector([3, 3, "a"]), SVector([3, 3, "b"])]),), "l1\nl2\na\nb\nl3\nl4\nl5\n"),
])
def test_replace_lines(root, args, content):
    (root / "f.txt").write_text(FIVE)
    assert call(root, "replace-lines", "f.txt", *args) == {"ok": "f.txt"}
    assert (root / "f.txt").read_text() == content


def test_replace_lines_keeps_a_missing_final_newline_missing(root):
    (root / "f.txt").write_text("a\nb")
    assert call(root, "replace-lines", "f.txt", 2, 3, "B") == {"ok": "f.txt"}
    assert (root / "f.txt").read_text() == "a\nB"


@pytest.mark.parametrize("args, message", [
    ((0, 1, "x"), "Start line 0 out of range (file has 5 lines)"),
    ((7, 7, "x"), "Start line 7 out of range (file has 5 lines)"),
    ((3, 2, "x"), "End line 2 out of range (start=3, file has 5 lines)"),
    ((3, 7, "x"), "End line 7 out of range (start=3, file has 5 lines)"),
    ((SVector([SVector([1, 3, "a"]), SVector([2, 4, "b"])]),),
     "Edits have overlapping line ranges"),
    ((SVector([SVector([1, 4, "a"]), SVector([2, 2, "b"])]),),
     "Edits have overlapping line ranges"),
    ((SVector([SVector([1, 2, "ok"]), SVector([9, 9, "bad"])]),),
     "Start line 9 out of range (file has 5 lines)"),
])
def test_replace_lines_errors_change_nothing(root, args, message):
    (root / "f.txt").write_text(FIVE)
    assert call(root, "replace-lines", "f.txt", *args) == {"error": message}
    assert (root / "f.txt").read_text() == FIVE


def test_replace_lines_misuse(root):
    with pytest.raises(SpellError, match=r"io/replace-lines: each edit must be \[start end "
                                         r"content\], got \[1 2\]"):
        spell(root, '(io/replace-lines "notes.txt" [[1 2]])')
    with pytest.raises(SpellError, match=r"io/replace-lines: wrong number of args \(3\)"):
        spell(root, '(io/replace-lines "notes.txt" 1 2)')


def test_replace_lines_through_spell_as_in_the_worked_example(root):
    (root / "app.py").write_text("import sys\ndef add(a, b):\n    return a - b\n")
    assert plain(spell(root, '(io/replace-lines "app.py" 3 4 "    return a + b")')) == \
        {"ok": "app.py"}
    assert (root / "app.py").read_text() == "import sys\ndef add(a, b):\n    return a + b\n"


# ---------------------------------------------------------------------------------------
# grep and glob (outputs as GNU grep -rnHE and find | sort give them on these fixtures)


@pytest.mark.parametrize("pattern, path, options, exit_code, out", [
    ("load", "src", {}, 0,
     "src/a.py:1:def load():\nsrc/lib/b.py:2:load()\nsrc/many.txt:2:load1\n"
     "src/many.txt:6:load2\nsrc/many.txt:7:load3\nsrc/many.txt:12:load4"),
    ("load", "src", {"context": 1, "include": "*.txt"}, 0,
     "src/many.txt-1-x\nsrc/many.txt:2:load1\nsrc/many.txt-3-y\n--\nsrc/many.txt-5-w\n"
     "src/many.txt:6:load2\nsrc/many.txt:7:load3\nsrc/many.txt-8-q\n--\n"
     "src/many.txt-11-t\nsrc/many.txt:12:load4"),
    ("load", "src", {"context": 1, "max_count": 2, "include": "*.txt"}, 0,
     "src/many.txt-1-x\nsrc/many.txt:2:load1\nsrc/many.txt-3-y\n--\nsrc/many.txt-5-w\n"
     "src/many.txt:6:load2\nsrc/many.txt-7-load3"),
    ("load", "src", {"context": 1, "include": "*.py"}, 0,
     "src/a.py:1:def load():\nsrc/a.py-2-    x = 1\n--\nsrc/lib/b.py-1-import a\n"
     "src/lib/b.py:2:load()"),
    ("LOAD[0-9]", "src", {"ignore_case": True, "max_count": 1}, 0, "src/many.txt:2:load1"),
    ("^(x|q)$", "src/many.txt", {}, 0, "src/many.txt:1:x\nsrc/many.txt:8:q"),
    (r"\<x\>", "src", {"include": "a.py"}, 0, "src/a.py:2:    x = 1\nsrc/a.py:3:    return x"),
    ("[[:digit:]]{2}", "src", {}, 1, ""),
    ("nothing-here", ".", {}, 1, ""),
    ("load", "src", {"max_count": 0}, 1, ""),
])
def test_grep_output(root, pattern, path, options, exit_code, out):
    assert call(root, "grep", pattern, path, opts(**options)) == \
        {"exit": exit_code, "out": out, "err": ""}


def test_grep_from_the_root_prefixes_paths_with_dot(root):
    result = call(root, "grep", "alpha", ".")
    assert result == {"exit": 0, "out": "./notes.txt:1:alpha", "err": ""}


def test_grep_failures_are_grep_results(root):
    assert call(root, "grep", "a", "nope") == \
        {"exit": 2, "out": "", "err": "grep: nope: No such file or directory"}
    bad = call(root, "grep", "(", "src")
    assert bad["exit"] == 2 and bad["err"].startswith("grep: invalid regular expression")


@pytest.mark.parametrize("option, value, shown", [
    ("context", 1.5, "1.5"), ("context", -1, "-1"), ("context", "2", '"2"'),
    ("max-count", True, "true"),
])
def test_grep_count_options_must_be_non_negative_integers(root, option, value, shown):
    src = f'(io/grep "load" "src" {{:{option} {pr(value)}}})'
    with pytest.raises(SpellError) as e:
        spell(root, src)
    assert e.value.message == (f"Function call failed: io/grep: :{option} must be a "
                               f"non-negative integer, got {shown}")


def test_grep_skips_symlinks_inside_directories(root, outside):
    (root / "src" / "out").symlink_to(outside)
    assert call(root, "grep", "secret", "src")["exit"] == 1


@pytest.mark.parametrize("args, out", [
    (("*.py",), "./src/a.py\n./src/lib/b.py"),
    (("*.py", "src"), "src/a.py\nsrc/lib/b.py"),
    (("*", "src", opts(type="d")), "src\nsrc/lib"),
    (("*", "src", opts(type="f", max_depth=1)), "src/a.py\nsrc/bin.dat\nsrc/many.txt"),
    (("*", ".", opts(max_depth=0)), "."),
    (("*.rs",), ""),
])
def test_glob_output(root, args, out):
    assert call(root, "glob", *args) == {"exit": 0, "out": out, "err": ""}


def test_glob_lists_symlinks_without_following_them(root, outside):
    (root / "link").symlink_to(outside)
    assert call(root, "glob", "*", ".", opts(type="l")) == \
        {"exit": 0, "out": "./link", "err": ""}
    assert "secret" not in call(root, "glob", "*")["out"]


def test_glob_errors(root):
    assert call(root, "glob", "*", "nope") == \
        {"exit": 1, "out": "", "err": "find: 'nope': No such file or directory"}
    with pytest.raises(BuiltinError, match=r':type must be "f", "d" or "l", got "x"'):
        io_fn(root, "glob")("*", ".", opts(type="x"))


# ---------------------------------------------------------------------------------------
# git


@pytest.fixture
def repo(root):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@e"}
    for argv in (["init", "-q"], ["add", "notes.txt"], ["commit", "-q", "-m", "first"]):
        subprocess.run(["git", *argv], cwd=root, env=env, check=True)
    return root


def test_git_read_only_commands(repo):
    assert call(repo, "git", "log", "--format=%s") == {"exit": 0, "out": "first", "err": ""}
    (repo / "notes.txt").write_text("changed\n")
    assert call(repo, "git", "status", "--short", "notes.txt") == \
        {"exit": 0, "out": " M notes.txt", "err": ""}
    top = call(repo, "git", "rev-parse", "--show-toplevel")
    assert top["exit"] == 0 and Path(top["out"]) == Path(os.path.realpath(repo))


@pytest.mark.parametrize("args, message", [
    (("branch", "x"), 'git subcommand not allowed: "branch". Allowed: blame, diff, log, '
                      'rev-parse, show, status'),
    (("commit", "-m", "x"), 'git subcommand not allowed: "commit". Allowed: blame, diff, log, '
                            'rev-parse, show, status'),
    (("diff", "--output=/tmp/x"), "git option not allowed: --output=/tmp/x"),
    (("diff", "--no-index", "/etc/hostname", "notes.txt"), "git option not allowed: --no-index"),
])
def test_git_refusals(repo, args, message):
    assert call(repo, "git", *args) == {"error": message}


def test_git_does_not_find_a_repository_above_the_root(repo):
    (repo / "sub").mkdir()
    result = call(repo / "sub", "git", "status")
    assert result["exit"] == 128 and "not a git repository" in result["err"]


# ---------------------------------------------------------------------------------------
# Files and directories


def test_ls(root):
    assert call(root, "ls", "src") == [{"name": "a.py", "size": 35},
                                       {"name": "bin.dat", "size": 7},
                                       {"name": "lib/", "size": 0},
                                       {"name": "many.txt", "size": 40}]
    assert call(root, "ls", "notes.txt") == {"error": "Not a directory: notes.txt"}


def test_exists_and_directory(root):
    assert spell(root, '[(io/exists? "notes.txt") (io/exists? "nope") (io/directory? "src") '
                       '(io/directory? "notes.txt")]') == SVector([True, False, True, False])


def test_stat(root):
    st = call(root, "stat", "notes.txt")
    mtime = (root / "notes.txt").stat().st_mtime_ns // 1_000_000
    assert st == {"size": 11, "modified": mtime, "readable": True, "writable": True,
                  "executable": False, "directory": False}
    assert call(root, "stat", "src")["directory"] is True
    assert call(root, "stat", "nope") == {"error": "File not found: nope"}


def test_mkdir_mkdirs_delete(root):
    assert call(root, "mkdir", "d") == {"ok": "d"}
    assert call(root, "mkdir", "d") == {"error": "Already exists: d"}
    assert call(root, "mkdir", "x/y") == {"error": "Failed to create directory: x/y"}
    assert call(root, "mkdirs", "x/y/z") == {"ok": "x/y/z"}
    assert call(root, "mkdirs", "x/y/z") == {"ok": "x/y/z"}
    assert call(root, "delete", "x") == {"error": "Failed to delete (directory not empty?): x"}
    assert call(root, "delete", "x/y/z") == {"ok": "x/y/z"}
    assert call(root, "delete", "notes.txt") == {"ok": "notes.txt"}
    assert call(root, "delete", "notes.txt") == {"error": "File not found: notes.txt"}
    assert not (root / "x/y/z").exists() and not (root / "notes.txt").exists()


def test_delete_removes_a_link_not_its_target(root):
    (root / "link.txt").symlink_to(root / "notes.txt")
    assert call(root, "delete", "link.txt") == {"ok": "link.txt"}
    assert (root / "notes.txt").exists() and not (root / "link.txt").exists()


def test_copy_and_move_overwrite(root):
    (root / "b.txt").write_text("old")
    assert call(root, "copy", "notes.txt", "b.txt") == {"ok": "b.txt"}
    assert (root / "b.txt").read_text() == "alpha\nbeta\n"
    assert call(root, "move", "b.txt", "src/c.txt") == {"ok": "src/c.txt"}
    assert not (root / "b.txt").exists() and (root / "src/c.txt").read_text() == "alpha\nbeta\n"
    assert call(root, "copy", "src", "src2") == {"ok": "src2"}
    assert (root / "src2/lib/b.py").read_text() == "import a\nload()\n"
    for fn in ("copy", "move"):
        assert call(root, fn, "nope", "x") == {"error": "Source not found: nope"}


def test_temp_file_stays_in_the_workspace(root):
    made = call(root, "temp-file")["ok"]
    assert Path(made).parent == Path(os.path.realpath(root)) / ".spell" / "tmp"
    assert Path(made).name.startswith("spell") and made.endswith(".tmp")
    named = Path(call(root, "temp-file", "run-", ".log")["ok"])
    assert named.name.startswith("run-") and named.suffix == ".log" and named.exists()
    with pytest.raises(BuiltinError, match="prefix must not contain a path separator"):
        io_fn(root, "temp-file")("../../x", ".tmp")


def test_cwd_is_the_root(root):
    assert spell(root, "(io/cwd)") == os.path.realpath(root)


def test_env_redacts_secrets(root, monkeypatch):
    monkeypatch.setenv("MY_API_KEY", "k-123")
    monkeypatch.setenv("github_token", "t-123")
    monkeypatch.setenv("DB_PASSWORD", "p-123")
    monkeypatch.setenv("PLAIN_SETTING", "visible")
    env = io_fn(root, "env")
    assert env("MY_API_KEY") == "<redacted>" and env("github_token") == "<redacted>"
    assert env("PLAIN_SETTING") == "visible" and env("NOT_SET_ANYWHERE_42") is None
    everything = plain(env())
    assert everything["DB_PASSWORD"] == "<redacted>" and everything["PLAIN_SETTING"] == "visible"
    assert "k-123" not in everything.values()


def test_watch_send_is_not_available_without_the_runtime(root):
    assert plain(spell(root, '(io/watch-send "." "agent-1")')) == \
        {"error": "io/watch-send: not available in this run"}


# ---------------------------------------------------------------------------------------
# Shell


def test_shell_needs_permission(root):
    assert call(root, "sh", "echo hi") == NO_SHELL
    assert call(root, "exec", SVector(["echo", "hi"])) == NO_SHELL
    assert plain(spell(root, '((io/sh-test "echo hi"))')) == \
        {"pass": False, "output": "COMMAND: echo hi\nEXIT: \nOUT:\n\nERR:\n"}


def test_sh_joins_parts_trims_and_runs_in_the_root(root):
    result = call(root, "sh", "echo '  hi", " there'; pwd", allow_shell=True)
    assert result == {"exit": 0, "out": f"hi there\n{os.path.realpath(root)}", "err": ""}
    failing = call(root, "sh", "echo oops >&2; exit 3", allow_shell=True)
    assert failing == {"exit": 3, "out": "", "err": "oops"}


def test_sh_timeout(root):
    result = spell(root, '(io/sh "sleep 5" {:timeout 1})', allow_shell=True)
    assert plain(result) == {"exit": -1, "out": "", "err": "Command timed out after 1 seconds"}
    assert call(root, "sh", "sleep 5", allow_shell=True, shell_timeout=0.5) == \
        {"exit": -1, "out": "", "err": "Command timed out after 0.5 seconds"}
    assert call(root, "sh", "echo done", opts(timeout=0), allow_shell=True)["out"] == "done"


def test_sh_non_string_part_is_misuse(root):
    with pytest.raises(SpellError) as e:
        spell(root, '(io/sh "ls " 5)', allow_shell=True)
    assert e.value.message == (
        "Function call failed: io/sh: all command segments must be strings, got 5. "
        "For options, pass a map as the last argument: {:timeout 60}")


def test_children_do_not_see_secrets(root, monkeypatch):
    monkeypatch.setenv("SPELL_TEST_SECRET", "s3cret")
    monkeypatch.setenv("SPELL_TEST_PLAIN", "plain")
    out = call(root, "sh", 'echo "${SPELL_TEST_SECRET:-unset} $SPELL_TEST_PLAIN"',
               allow_shell=True)["out"]
    assert out == "unset plain"
    listed = call(root, "exec", SVector(["env"]), allow_shell=True)["out"]
    assert "s3cret" not in listed and "SPELL_TEST_PLAIN=plain" in listed


def test_exec_runs_without_a_shell(root):
    assert call(root, "exec", SVector(["echo", "$HOME", "a;b"]), allow_shell=True) == \
        {"exit": 0, "out": "$HOME a;b", "err": ""}
    code = "import os; print(os.getcwd())"
    assert call(root, "exec", SVector([sys.executable, "-c", code]), allow_shell=True)["out"] \
        == os.path.realpath(root)
    assert call(root, "exec", SVector(["no-such-program-xyz"]), allow_shell=True) == \
        {"error": "Command not found: no-such-program-xyz"}
    with pytest.raises(BuiltinError, match=r"expected a vector of strings \[cmd arg \.\.\.\]"):
        io_fn(root, "exec", allow_shell=True)("echo hi")


def test_sh_test_returns_a_spell_function(root):
    thunk = io_fn(root, "sh-test")("echo ok")
    assert is_spell_fn(thunk) and thunk.get(kw("params")) == SVector()
    body = pr(thunk.get(kw("body")))
    assert body == ('((let [r (io/sh "echo ok")] {:pass (= 0 (:exit r)), :output (str '
                    '"COMMAND: echo ok\\nEXIT: " (:exit r) "\\nOUT:\\n" (:out r) '
                    '"\\nERR:\\n" (:err r))}))')
    ran = plain(spell(root, '((io/sh-test "echo ok; echo bad >&2; exit 1"))', allow_shell=True))
    assert ran == {"pass": False, "output": "COMMAND: echo ok; echo bad >&2; exit 1\nEXIT: 1\n"
                                            "OUT:\nok\nERR:\nbad"}
    assert plain(spell(root, '((io/sh-test "true"))', allow_shell=True))["pass"] is True


# ---------------------------------------------------------------------------------------
# Confinement (D8)

READERS = [("read-lines", ()), ("read-file", ()), ("slurp", ()), ("slurp-bytes", ()),
           ("ls", ()), ("stat", ()), ("grep", "pattern"), ("glob", "pattern")]
WRITERS = [("spit", ("x",)), ("write-file", ("x",)), ("str-replace", ("a", "b")),
           ("replace-lines", (1, 1, "x")), ("mkdir", ()), ("mkdirs", ()), ("delete", ())]


def path_call(root, fn, extra, path):
    """Call fn with `path` in its path position."""
    if extra == "pattern":
        return call(root, fn, "x", path) if fn == "grep" else call(root, fn, "*", path)
    return call(root, fn, path, *extra)


@pytest.mark.parametrize("fn, extra", READERS + WRITERS)
@pytest.mark.parametrize("path", ["../outside/secret.txt", "src/../../outside/secret.txt",
                                  "missing/../../outside/secret.txt", "{outside}/secret.txt",
                                  "/etc"])
def test_paths_outside_the_root_are_refused(root, outside, fn, extra, path):
    path = path.format(outside=outside)
    assert path_call(root, fn, extra, path) == {"error": ESCAPE + path}
    assert (outside / "secret.txt").read_text() == "top secret\n"


@pytest.mark.parametrize("fn, extra", READERS + WRITERS)
def test_symlink_escapes_are_refused(root, outside, fn, extra):
    (root / "link").symlink_to(outside)
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    for path in ("link/secret.txt", "leak.txt", "link"):
        assert path_call(root, fn, extra, path) == {"error": ESCAPE + path}
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_text() == "top secret\n"


@pytest.mark.parametrize("fn, args", [
    ("spit", ("link/new.txt", "x")), ("write-file", ("link/new/deeper.txt", "x")),
    ("mkdirs", ("link/a/b",)), ("copy", ("notes.txt", "link/new.txt")),
    ("move", ("notes.txt", "link/new.txt")), ("copy", ("link/secret.txt", "stolen.txt")),
])
def test_writes_through_a_symlink_to_new_paths_are_refused(root, outside, fn, args):
    (root / "link").symlink_to(outside)
    escaping = next(a for a in args if a.startswith("link"))
    assert call(root, fn, *args) == {"error": ESCAPE + escaping}
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (root / "notes.txt").exists() and not (root / "stolen.txt").exists()


@pytest.mark.parametrize("fn", ["exists?", "directory?"])
def test_predicates_raise_on_escape(root, outside, fn):
    (root / "link").symlink_to(outside)
    for path in ("../outside", "link/secret.txt"):
        with pytest.raises(SpellError) as e:
            spell(root, f'(io/{fn} "{path}")')
        assert e.value.message == f"Function call failed: io/{fn}: {ESCAPE}{path}"


def test_symlinks_inside_the_root_work(root):
    (root / "inner").symlink_to(root / "src")
    assert call(root, "slurp", "inner/lib/b.py") == {"ok": "import a\nload()\n"}
    assert call(root, "spit", "inner/new.txt", "n") == {"ok": "inner/new.txt"}
    assert (root / "src" / "new.txt").read_text() == "n"


def test_extra_roots_are_allowed(root, outside):
    secret = str(outside / "secret.txt")
    assert call(root, "slurp", secret) == {"error": ESCAPE + secret}
    assert call(root, "slurp", secret, extra_roots=[outside]) == {"ok": "top secret\n"}


def test_git_directory_is_read_only_without_shell(root):
    (root / ".git").mkdir()
    assert call(root, "spit", ".git/config", "[core]") == {"error": ESCAPE + ".git/config"}
    assert call(root, "move", "notes.txt", ".git") == {"error": ESCAPE + ".git"}
    assert call(root, "spit", ".git/config", "[core]", allow_shell=True) == \
        {"ok": ".git/config"}


def test_io_is_gated_outside_the_trailing_expression(root):
    with pytest.raises(SpellError, match="io/ls: io/ is an effect namespace"):
        evaluate_text("(quine completion (eval (do (io/ls \".\") '1)))",
                      ctx=context_for({"effect_namespaces": make_io_namespaces(root)}))


# ---------------------------------------------------------------------------------------
# The namespace maps and their documentation


def callables(ns: SMap) -> dict:
    return {k.name: v for k, v in ns.items() if type(v) is Builtin}


def test_subsets_partition_io_and_share_its_callables(root):
    spaces = make_io_namespaces(root)
    full = callables(spaces["io"])
    parts = [callables(spaces[name]) for name in ("io-read", "io-write", "io-exec")]
    assert sum(len(p) for p in parts) == len(full) == 27
    for part in parts:
        assert all(full[name] is fn for name, fn in part.items())
    assert all(fn.name == f"io/{name}" for name, fn in full.items())


@pytest.mark.parametrize("name", ["io", "io-read", "io-write", "io-exec"])
def test_docs_and_detail_cover_exactly_the_callables(root, name):
    ns = make_io_namespaces(root)[name]
    keys = set(callables(ns))
    docs = {k.name: v for k, v in ns.get(kw("docs")).items()}
    assert set(docs) == keys | {"guide"}
    assert all("\n" not in docs[k] for k in keys)
    assert {k.name for k in ns.get(kw("detail")).keys()} == keys
    assert ns.get(kw("short-docs")) == REGISTRY[name].short_docs
    info = REGISTRY[name]
    assert info.tier == "effect" and {f.name for f in info.functions} == keys
    assert info.call_prefix == "io"


def test_arities_match_the_spec_calls(root):
    io = make_io_namespaces(root)["io"]
    for name, counts in [("read-lines", (1, 3)), ("grep", (2, 3)), ("glob", (1, 2, 3)),
                         ("sh", (1, 5)), ("temp-file", (0, 2)), ("env", (0, 1)),
                         ("replace-lines", (2, 4)), ("watch-send", (2, 3))]:
        assert all(io.get(kw(name)).arity.accepts(n) for n in counts), name


def test_subset_lists_match_the_spec():
    assert io_module.SUBSETS["io-read"] == (
        "slurp", "slurp-bytes", "read-file", "read-lines", "grep", "glob", "git", "exists?",
        "directory?", "ls", "cwd", "stat", "env")
    assert set(io_module.SUBSETS["io-exec"]) == {"sh", "sh-test", "exec", "watch-send"}
