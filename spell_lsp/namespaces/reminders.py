"""The `reminders` core namespace (spec 9.4): documentation only — working habits a model
can read before a task. Written by this project."""

from __future__ import annotations

from ..syntax.values import SMap, kw
from .nsdef import REGISTRY, NamespaceInfo

SHORT_DOCS = "Working habits for coding and long tasks (documentation only)"

GUIDE = """REMINDERS — Habits that keep a Spell agent effective.

This text is part of a Spell program you are completing. Your whole response is code:
natural language belongs in string literals, usually in (think "...").
For coding tasks read (!describe reminders :coding) first.
Other topics: (!describe reminders :swe-bench), (!describe reminders :context-efficiency).
"""

CODING = """CODING — Research, plan, implement, verify, iterate, show evidence.

1. Research: check the environment first (language version, test command, layout), then
   grep before you edit: '(!peek-now hits (io/grep "def parse" "src" {:context 3}))
2. Plan: write the plan as a think, naming the files and the check that proves success.
3. Implement: smallest change that can work; prefer io/str-replace or io/replace-lines over
   rewriting whole files.
4. Verify: run the exact check you named, in the same turn as the edit when you can:
   '(!call-now r (do (io/str-replace "a.py" "x - y" "x + y") (io/sh "python3 -m pytest -q")))
5. Iterate: read a traceback along its frames with exact line ranges
   (io/read-lines path start end), not whole files.
6. Evidence: finish with the command output that shows the fix, not a description of it.

Keep big reads short-lived: peek a file, persist the subvec you need, let the rest be pruned:
  (persist body (subvec src 10 30))
Probes are disposable: write a small script, run it, rethink its output into one sentence.
Read the tests of the code you change: they hold constraints the task does not state.
"""

SWE_BENCH = """SWE-BENCH — Fixing a reported issue in an unfamiliar repository.

1. Read the failing test (or the issue's reproduction) completely before changing code.
2. Follow the traceback to the line that raises; read the surrounding function, not the file.
3. Make the minimal fix at the cause, not a special case at the symptom.
4. Run the exact target test, then the tests of the module you touched.
5. A missing dependency is installed for real (io/sh "pip install ..."), never mocked away.
6. A diagnosis is not a fix: the task is done when the test passes.
"""

CONTEXT_EFFICIENCY = """CONTEXT-EFFICIENCY — Keep the program short so every turn stays cheap.

- Prefer !peek-now for calls whose result you need only once: it is pruned next turn.
- Persist before you extend: (persist x ...) writes the value into the source, so it survives
  when the call that produced it is pruned.
- Rethink to compress: (rethink "Found it: the bug is in parse_date, line 88.") replaces the
  form before it with a one-line conclusion.
- Chain several tool calls in one !call-now to save turns.
- When the program has grown long, '(!compact) rewrites it as a short fresh program.
- Plan, then clear: '(!llm-self (wrap-cat prompt plan)) starts a fresh program that holds only
  the task and the plan.
"""


TOPICS = {"coding": CODING, "swe-bench": SWE_BENCH, "context-efficiency": CONTEXT_EFFICIENCY}


def build() -> SMap:
    REGISTRY["reminders"] = NamespaceInfo("reminders", "docs", SHORT_DOCS, GUIDE, (), TOPICS)
    return SMap([
        (kw("short-docs"), SHORT_DOCS),
        (kw("docs"), SMap([
            (kw("guide"), GUIDE),
            *((kw(topic), text) for topic, text in TOPICS.items()),
        ])),
    ])
