"""Re-reading a text after an edit, reusing the unchanged parts of its previous tree.

An edit replaces text[start:end]. The innermost list or vector around it (the document at
worst) keeps its children before the edit as they are, reads only the children the edit
touches again, and shifts the children after it. That is valid when the lexer and the
parser are in the same state at both ends of the re-read region as in a full read; every
condition below checks one way it could differ, and when one fails the next enclosing
list is tried, and finally the whole text is read again. The result is always equal to
`parse(new_text)` (property-tested against it).

Trees are never changed in place (the language server reads one version while the next
is built), with one exception that is invisible to readers: reused nodes point to the new
`Source`, whose text is identical over their spans, so old texts are not kept alive.
"""

from __future__ import annotations

from .reader import (
    EOF_CHARACTER, EOF_REGEX, EOF_STRING, EOF_WHILE_READING, LIST, MAX_DEPTH, TOO_DEEP, VECTOR,
    Branch, Document, ErrorToken, FnLiteral, Node, ParseResult, ReadError, Source, Token,
    gc_paused, parse, read_tokens,
)

_DELIMITERS = frozenset(" \t\r\n\f,()[]{}\";@^~\\`")  # characters that end a token
_CONTAINERS = (LIST, VECTOR)  # children independent of their siblings (maps check keys)
_UNFINISHED = (EOF_STRING, EOF_REGEX, EOF_CHARACTER)
_new = object.__new__


def reparse(old: ParseResult, start: int, end: int, insert: str) -> ParseResult:
    """The parse of `old.text` with [start, end) replaced by `insert`."""
    text = old.text[:start] + insert + old.text[end:]
    with gc_paused():
        return _reparse(old, start, end, text) or parse(text)


def _reparse(old: ParseResult, start: int, end: int, text: str) -> ParseResult | None:
    """The incremental parse, or None when no enclosing region can be re-read alone."""
    if any(e.message == TOO_DEEP for e in old.errors):
        return None  # deep trees are rare and their map checks depend on this error
    source = Source(text)
    delta = len(text) - len(old.text)
    path = _enclosing(old.tree, start, end)
    while path:
        done = _try_region(old, path, start, end, source, delta)
        if done is not None:
            return done
        path.pop()
    return None


def _enclosing(tree: Document, start: int, end: int) -> list[Branch]:
    """The document and the lists/vectors whose inside holds [start, end), outermost
    first; descent stops at maps, sets, `#()` and reader macros (their reading depends
    on their content as a whole)."""
    path: list[Branch] = [tree]
    node: Branch = tree
    while True:
        for child in node.children:
            if child.start < start and type(child) is Branch and child.kind in _CONTAINERS \
                    and child.open_end <= start and end <= _inner_end(child):
                path.append(child)
                node = child
                break
            if child.start >= start:
                return path
        else:
            return path


def _inner_end(branch: Branch) -> int:
    """Where the inside of a branch ends: its closer, or its end when it has none."""
    return branch.close_start if branch.close_start >= 0 else branch.end


def _try_region(old: ParseResult, path: list[Branch], start: int, end: int, source: Source,
                delta: int) -> ParseResult | None:
    """Re-read the children of `path[-1]` that the edit touches; None if unsafe."""
    branch = path[-1]
    children = branch.children
    if any(isinstance(c, Branch) and c.need for c in children):
        return None  # an unfinished reader macro: its container's closer was a stray
    first = 0
    while first < len(children) and children[first].end < start:
        first += 1
    last = first
    while last < len(children) and children[last].start <= end:
        last += 1
    lo = children[first - 1].end if first else branch.open_end
    hi = children[last].start if last < len(children) else _inner_end(branch)
    read = _read_region(source, path, lo, hi + delta)
    if read is None:
        return None
    nodes, errors = read
    tree = _rebuild(path, first, last, nodes, delta, source)
    return ParseResult(source, tree, _merge_errors(old.errors, errors, lo, hi, delta))


def _read_region(source: Source, path: list[Branch], lo: int, hi: int
                 ) -> tuple[list[Node], list[ReadError]] | None:
    """Read text[lo:hi] as the inside of `path[-1]`: its nodes and errors, or None when
    a full read would see it differently (a closer that closes the container, something
    left open, a token or comment running on past `hi`)."""
    text = source.text
    # Stand-ins for the enclosing branches keep the depth checks of a full read (the
    # document's never closes, so stray closers end up there).
    stack: list[Branch] = [Branch(p.kind, lo, lo, source) for p in path[:-1]]
    root = Branch(path[-1].kind, lo, lo, source)
    stack.append(root)
    if len(stack) >= MAX_DEPTH:
        return None
    errors: list[ReadError] = []
    last_end = read_tokens(source, stack, errors, lo, hi)
    if stack[-1] is not root or root.close_start >= 0:
        return None
    if hi < len(text):
        if any(e.message in _UNFINISHED or e.message == EOF_WHILE_READING for e in errors):
            return None
        if last_end == hi and (text[hi] not in _DELIMITERS or text[hi - 1] == "#"):
            return None  # the last token would go on into the next (`#` + `(`: `#(`)
        if last_end < hi and not _trivia_ends_at(text, last_end, hi):
            return None  # a comment typed into the gap runs past `hi`
    return root.children, errors


def _trivia_ends_at(text: str, pos: int, hi: int) -> bool:
    """Does the whitespace/comment run starting at `pos` stop exactly at `hi`?"""
    from .reader import _TRIVIA_PIECE_RE
    while pos < hi:
        m = _TRIVIA_PIECE_RE.match(text, pos)
        if m is None or m.end() > hi:
            return False
        pos = m.end()
    return pos == hi


def _merge_errors(old: list[ReadError], region: list[ReadError], lo: int, hi: int,
                  delta: int) -> list[ReadError]:
    """Old errors outside [lo, hi) (shifted after it) with the region's in their place.

    Errors are kept in detection order: the region's errors were found after every old
    error before it and before every later one; errors of enclosing branches still open
    at the end of the text were found last."""
    before: list[ReadError] = []
    after: list[ReadError] = []
    for e in old:
        if lo <= e.start < hi:
            continue
        if e.start >= hi:
            after.append(ReadError(e.message, e.start + delta, e.end + delta))
        elif after or e.message == EOF_WHILE_READING:
            after.append(e)
        else:
            before.append(e)
    return before + region + after


def _rebuild(path: list[Branch], first: int, last: int, nodes: list[Node], delta: int,
             source: Source) -> Document:
    """New branches along `path` around the re-read nodes; earlier siblings are reused,
    later ones shifted by `delta`."""
    branch = path[-1]
    children = branch.children
    _adopt(children[:first], source)
    fresh = _copy_branch(branch, delta, source,
                         children[:first] + nodes + [_shifted(c, delta, source)
                                                     for c in children[last:]])
    for parent in reversed(path[:-1]):
        siblings = parent.children
        index = next(i for i, c in enumerate(siblings) if c is branch)
        _adopt(siblings[:index], source)
        branch = parent
        fresh = _copy_branch(parent, delta, source,
                             siblings[:index] + [fresh] + [_shifted(c, delta, source)
                                                           for c in siblings[index + 1:]])
    return fresh  # type: ignore[return-value]


def _copy_branch(branch: Branch, delta: int, source: Source, children: list[Node]) -> Branch:
    """A copy of a branch that contains the edit: same start, end shifted."""
    copy = _new(type(branch))
    copy.kind = branch.kind
    copy.start = branch.start
    copy.open_end = branch.open_end
    copy.end = branch.end + delta
    copy.close_start = branch.close_start + delta if branch.close_start >= 0 else -1
    copy.need = branch.need
    copy.source = source
    copy.children = children
    return copy


def _shifted(node: Node, delta: int, source: Source) -> Node:
    """A copy of a subtree after the edit, `delta` characters further on."""
    t = type(node)
    copy = _new(t)
    copy.kind = node.kind
    copy.start = node.start + delta
    copy.end = node.end + delta
    copy.source = source
    if t is Token:
        copy.value = node.value  # type: ignore[attr-defined]
        return copy
    if t is ErrorToken:
        copy.message = node.message  # type: ignore[attr-defined]
        return copy
    copy.open_end = node.open_end + delta  # type: ignore[attr-defined]
    copy.close_start = node.close_start + delta if node.close_start >= 0 else -1  # type: ignore
    copy.need = node.need  # type: ignore[attr-defined]
    if t is FnLiteral:
        copy.max_arg = node.max_arg  # type: ignore[attr-defined]
        copy.rest = node.rest  # type: ignore[attr-defined]
    children = copy.children = []
    for child in node.children:  # type: ignore[attr-defined]
        if type(child) is Token:  # most nodes: copied here, without a call
            leaf = _new(Token)
            leaf.kind = child.kind
            leaf.start = child.start + delta
            leaf.end = child.end + delta
            leaf.source = source
            leaf.value = child.value
            children.append(leaf)
        else:
            children.append(_shifted(child, delta, source))
    return copy


def _adopt(nodes: list[Node], source: Source) -> None:
    """Point reused subtrees at the new source (same text over their spans)."""
    stack = nodes[:]
    while stack:
        node = stack.pop()
        node.source = source
        t = type(node)
        if t is not Token and t is not ErrorToken:
            stack += node.children  # type: ignore[attr-defined]
