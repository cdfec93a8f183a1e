"""Folding ranges: every form spanning several lines, and runs of line comments."""

from __future__ import annotations

from ..syntax.reader import Branch, _trivia_pieces
from .document import Document


def folding_ranges(doc: Document) -> list[tuple[int, int, str]]:
    """(start line, end line, kind) with kind "region" or "comment", in document order."""
    tree = doc.parsed
    lines = tree.source.lines
    ranges: list[tuple[int, int, str]] = []
    comments: list[tuple[int, int]] = []
    stack: list[Branch] = [tree.tree]
    while stack:
        node = stack.pop()
        if node is not tree.tree:
            first, last = lines.position(node.start)[0], lines.position(node.end - 1)[0]
            if last > first:
                ranges.append((first, last, "region"))
        pos = node.open_end
        for child in node.children:
            comments += [(s, e) for kind, s, e in _trivia_pieces(tree.text, pos, child.start)
                         if kind == "comment"]
            pos = child.end
            if isinstance(child, Branch) and child.end > child.start:
                stack.append(child)
        stop = node.close_start if node.close_start >= 0 else node.end
        comments += [(s, e) for kind, s, e in _trivia_pieces(tree.text, pos, stop)
                     if kind == "comment"]
    ranges += comment_blocks(sorted(comments), lines)
    return sorted(set(ranges))


def comment_blocks(comments: list[tuple[int, int]], lines) -> list[tuple[int, int, str]]:
    """Runs of comments on consecutive lines, two lines or more."""
    blocks, run = [], None
    for start, _ in comments:
        line = lines.position(start)[0]
        if run is not None and line == run[1] + 1:
            run = (run[0], line)
            continue
        if run is not None and run[1] > run[0]:
            blocks.append((run[0], run[1], "comment"))
        run = (line, line)
    if run is not None and run[1] > run[0]:
        blocks.append((run[0], run[1], "comment"))
    return blocks
