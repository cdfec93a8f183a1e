"""Generate grammars/spell.tmLanguage.json from the one table and the namespace registry.

The lexical rules are written here once; every list of names (special forms, macros,
builtins, effect functions, turn-producing forms, namespaces and their functions) comes
from `spell_lsp.lang.table.TABLE` and `spell_lsp.namespaces.nsdef.REGISTRY`, so the
grammar cannot drift from the language. Run `python grammars/generate.py` after changing
either; `--check` exits non-zero when the committed file is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

GRAMMAR_PATH = Path(__file__).with_name("spell.tmLanguage.json")

# Characters that end a token (spec 2.1); `'`, `#` and `%` may appear inside one.
DELIMS = r"\s,\(\)\[\]\{\}\";@\^`~\\"
TOKEN_CHAR = f"[^{DELIMS}]"
TOKEN_END = f"(?=[{DELIMS}]|$)"
# A token starts after a delimiter, a quote or the start of the line.
TOKEN_START = f"(?<![^{DELIMS}'])"
NS_CHAR = f"[^{DELIMS}/]"

# Scope of each kind of the table (kind -> TextMate scope).
KIND_SCOPES = {
    "special": "keyword.control.special.spell",
    "macro": "keyword.control.macro.spell",
    "pure": "support.function.builtin.spell",
    "effect": "keyword.control.effect.spell",
    "turn": "keyword.control.turn.spell",
}
# Scope of the function part of `ns/fn` for each namespace tier.
TIER_FUNCTION_SCOPES = {"core": "support.function.builtin.spell",
                        "effect": "keyword.control.effect.spell"}


def regex_escape(name: str) -> str:
    """Escape a Spell name for Oniguruma (only the characters that are special there)."""
    return "".join("\\" + c if c in r"\.^$|?*+()[]{}/" else c for c in name)


def alternation(names) -> str:
    """A non-capturing alternation of names, longest first."""
    return "(?:" + "|".join(regex_escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n))) + ")"


def load_names() -> tuple[dict, dict]:
    """The table and the namespace registry, fully populated."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import spell_lsp  # noqa: F401  (registers the namespaces)
    from spell_lsp.lang.core import load_modules
    from spell_lsp.lang.table import TABLE
    from spell_lsp.namespaces.nsdef import REGISTRY
    load_modules()
    return TABLE, REGISTRY


def word_rule(names, scope: str) -> dict:
    """Match whole tokens that are one of `names`."""
    return {"match": f"{TOKEN_START}{alternation(names)}{TOKEN_END}", "name": scope}


def qualified_rule(namespaces, names, ns_scope: str, name_scope: str | None) -> dict:
    """Match `ns/name` with the namespace, the slash and the name scoped separately."""
    captures = {"1": {"name": ns_scope}, "2": {"name": "punctuation.separator.namespace.spell"}}
    if name_scope:
        captures["3"] = {"name": name_scope}
    return {"match": f"{TOKEN_START}({alternation(namespaces)})(/)({names}){TOKEN_END}",
            "captures": captures}


def namespace_scope(tier: str) -> str:
    """Scope of a namespace name of a tier."""
    return f"entity.name.namespace.{tier}.spell"


def table_rules(table: dict) -> list[dict]:
    """One rule per kind for unqualified names, one per qualified name (`blocking/plet`)."""
    rules = []
    for kind, scope in KIND_SCOPES.items():
        names = [e.name for e in table.values() if e.kind == kind]
        plain = [n for n in names if "/" not in n[1:-1]]
        rules.append(word_rule(plain, scope))
        for name in sorted(set(names) - set(plain)):
            ns, _, fn = name.partition("/")
            rules.append(qualified_rule([ns], regex_escape(fn), "entity.name.namespace.spell", scope))
    return rules


def namespace_rules(registry: dict) -> list[dict]:
    """Functions and constants of the registered namespaces, by the prefix calls use."""
    rules = []
    by_prefix: dict[str, tuple[str, set, set]] = {}
    for info in registry.values():
        tier, functions, constants = by_prefix.setdefault(info.call_prefix, (info.tier, set(), set()))
        functions.update(f.name for f in info.functions)
        constants.update(info.constants)
    for prefix, (tier, functions, constants) in sorted(by_prefix.items()):
        if functions and tier in TIER_FUNCTION_SCOPES:
            rules.append(qualified_rule([prefix], alternation(functions), namespace_scope(tier),
                                        TIER_FUNCTION_SCOPES[tier]))
        if constants:
            rules.append(qualified_rule([prefix], alternation(constants), namespace_scope(tier),
                                        "support.constant.spell"))
    for tier in ("core", "effect", "docs"):
        names = sorted({n for info in registry.values() if info.tier == tier
                        for n in (info.name, info.call_prefix)})
        rules.append(qualified_rule(names, f"{TOKEN_CHAR}+", namespace_scope(tier), None))
        rules.append(word_rule(names, namespace_scope(tier)))
    return rules


def symbol_rules(table: dict, registry: dict) -> list[dict]:
    """Symbols, most specific first; the last rule takes any other token whole."""
    return [
        *table_rules(table),
        *namespace_rules(registry),
        {"match": f"{TOKEN_START}msg-\\d+{TOKEN_END}", "name": "variable.language.message.spell"},
        {"comment": "By convention (spec 2.4) a name starting with ! is turn-producing.",
         "match": f"{TOKEN_START}(?:({NS_CHAR}+)(/))?(!{TOKEN_CHAR}*){TOKEN_END}",
         "captures": {"1": {"name": "entity.name.namespace.spell"},
                      "2": {"name": "punctuation.separator.namespace.spell"},
                      "3": {"name": "keyword.control.turn.spell"}}},
        {"match": f"{TOKEN_START}%(?:\\d+|&)?{TOKEN_END}", "name": "variable.parameter.anonymous.spell"},
        {"match": f"{TOKEN_START}({NS_CHAR}+)(/)({TOKEN_CHAR}+)",
         "name": "meta.symbol.qualified.spell",
         "captures": {"1": {"name": "entity.name.namespace.spell"},
                      "2": {"name": "punctuation.separator.namespace.spell"}}},
        {"match": f"{TOKEN_CHAR}+", "name": "meta.symbol.spell"},
    ]


def literal_rules() -> dict:
    """The repository entries for comments, strings, numbers, characters and keywords."""
    sign = "[-+]?"
    return {
        "comment": {"patterns": [
            {"match": "(;+).*$", "name": "comment.line.semicolon.spell",
             "captures": {"1": {"name": "punctuation.definition.comment.spell"}}},
            {"match": "(#!).*$", "name": "comment.line.number-sign.spell",
             "captures": {"1": {"name": "punctuation.definition.comment.spell"}}},
        ]},
        "string": {
            "begin": '"', "end": '"', "name": "string.quoted.double.spell",
            "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.spell"}},
            "endCaptures": {"0": {"name": "punctuation.definition.string.end.spell"}},
            "patterns": [{"include": "#string-escape"}],
        },
        "string-escape": {"patterns": [
            {"match": r'\\(?:[tbnrf\\"]|u\h{4}|[0-3][0-7]{2}|[0-7]{1,2})',
             "name": "constant.character.escape.spell"},
            {"match": r"\\.?", "name": "invalid.illegal.escape.spell"},
        ]},
        "regex": {
            "begin": '#"', "end": '"', "name": "string.regexp.spell",
            "beginCaptures": {"0": {"name": "punctuation.definition.regexp.begin.spell"}},
            "endCaptures": {"0": {"name": "punctuation.definition.regexp.end.spell"}},
            "patterns": [{"match": r"\\.", "name": "constant.character.escape.regexp.spell"}],
        },
        "number": {"patterns": [
            {"match": f"##(?:Inf|-Inf|NaN){TOKEN_END}", "name": "constant.numeric.symbolic.spell"},
            {"match": f"{TOKEN_START}{sign}0[xX]\\h+(N)?{TOKEN_END}", "name": "constant.numeric.hex.spell",
             "captures": {"1": {"name": "storage.type.numeric.bigint.spell"}}},
            {"match": f"{TOKEN_START}{sign}(?:[2-9]|[12]\\d|3[0-6])[rR][0-9a-zA-Z]+{TOKEN_END}",
             "name": "constant.numeric.radix.spell"},
            {"match": f"{TOKEN_START}{sign}\\d+/\\d+{TOKEN_END}", "name": "constant.numeric.ratio.spell"},
            {"match": f"{TOKEN_START}{sign}\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?(M){TOKEN_END}",
             "name": "constant.numeric.decimal.spell",
             "captures": {"1": {"name": "storage.type.numeric.decimal.spell"}}},
            {"match": f"{TOKEN_START}{sign}\\d+(?:\\.\\d*(?:[eE][-+]?\\d+)?|[eE][-+]?\\d+){TOKEN_END}",
             "name": "constant.numeric.float.spell"},
            {"match": f"{TOKEN_START}{sign}0[0-7]+(N)?{TOKEN_END}", "name": "constant.numeric.octal.spell",
             "captures": {"1": {"name": "storage.type.numeric.bigint.spell"}}},
            {"match": f"{TOKEN_START}{sign}(?:0|[1-9]\\d*)(N)?{TOKEN_END}", "name": "constant.numeric.integer.spell",
             "captures": {"1": {"name": "storage.type.numeric.bigint.spell"}}},
            {"match": f"{TOKEN_START}{sign}\\d{TOKEN_CHAR}*", "name": "invalid.illegal.number.spell"},
        ]},
        "character": {
            "match": r"(\\)(?:(?:newline|space|tab|return|backspace|formfeed|u\h{4}|o[0-7]{1,3})"
                     f"{TOKEN_END}|.)",
            "name": "constant.character.spell",
            "captures": {"1": {"name": "punctuation.definition.character.spell"}},
        },
        "constant": {"patterns": [
            {"match": f"{TOKEN_START}nil{TOKEN_END}", "name": "constant.language.nil.spell"},
            {"match": f"{TOKEN_START}(?:true|false){TOKEN_END}", "name": "constant.language.boolean.spell"},
        ]},
        "keyword": {
            "match": f"{TOKEN_START}(:){TOKEN_CHAR}+", "name": "constant.other.keyword.spell",
            "captures": {"1": {"name": "punctuation.definition.keyword.spell"}},
        },
    }


def collection(name: str, begin: str, end: str) -> dict:
    """A bracketed region with its delimiters scoped as the begin/end of `name`."""
    return {
        "begin": begin, "end": end, "name": f"meta.{name}.spell",
        "beginCaptures": {"0": {"name": f"punctuation.section.{name}.begin.spell"}},
        "endCaptures": {"0": {"name": f"punctuation.section.{name}.end.spell"}},
        "patterns": [{"include": "#form"}, {"include": "#stray-closer"}],
    }


def structure_rules() -> dict:
    """Collections, reader macros, the discard form and think/rethink text."""
    think_head = "(\\()\\s*(think|rethink)" + TOKEN_END
    return {
        "think": {
            "comment": "The string arguments of think/rethink are reasoning text, shown like comments.",
            "begin": think_head, "end": "\\)", "name": "meta.think.spell",
            "beginCaptures": {"1": {"name": "punctuation.section.list.begin.spell"},
                              "2": {"name": "keyword.control.macro.spell"}},
            "endCaptures": {"0": {"name": "punctuation.section.list.end.spell"}},
            "patterns": [
                {"begin": '"', "end": '"', "name": "comment.block.documentation.think.spell",
                 "beginCaptures": {"0": {"name": "punctuation.definition.comment.begin.spell"}},
                 "endCaptures": {"0": {"name": "punctuation.definition.comment.end.spell"}},
                 "patterns": [{"include": "#string-escape"}]},
                {"include": "#form"},
            ],
        },
        "list": collection("list", "\\(", "\\)"),
        "vector": collection("vector", "\\[", "\\]"),
        "map": collection("map", "\\{", "\\}"),
        "set": collection("set", "#\\{", "\\}"),
        "fn-literal": collection("fn", "#\\(", "\\)"),
        "stray-closer": {"match": "[\\)\\]\\}]", "name": "invalid.illegal.stray-bracket.spell"},
        "discard": {"patterns": [
            {"begin": "(#_)\\s*(?=#?[\\(\\[\\{\"])", "end": "(?<=[\\)\\]\\}\"])",
             "name": "comment.block.discard.spell",
             "beginCaptures": {"1": {"name": "punctuation.definition.comment.discard.spell"}},
             "patterns": [{"include": "#discarded"}]},
            {"match": f"(#_)\\s*{TOKEN_CHAR}*", "name": "comment.block.discard.spell",
             "captures": {"1": {"name": "punctuation.definition.comment.discard.spell"}}},
        ]},
        "discarded": {"patterns": [
            {"begin": "#?\"", "end": "\"", "patterns": [{"match": "\\\\."}]},
            {"begin": "#?[\\(\\[\\{]", "end": "[\\)\\]\\}]",
             "patterns": [{"include": "#comment"}, {"match": "\\\\."}, {"include": "#discarded"}]},
        ]},
        "reader-macro": {"patterns": [
            {"match": "~@", "name": "keyword.operator.unquote-splicing.spell"},
            {"match": "~", "name": "keyword.operator.unquote.spell"},
            {"match": "`", "name": "keyword.operator.quasiquote.spell"},
            {"match": f"{TOKEN_START}'", "name": "keyword.operator.quote.spell"},
            {"match": "@", "name": "keyword.operator.deref.spell"},
            {"match": "\\^", "name": "punctuation.definition.metadata.spell"},
        ]},
        "dispatch": {"match": f"#(?:[^_\"\\(\\{{!#]{TOKEN_CHAR}*)?",
                     "name": "invalid.illegal.dispatch.spell"},
    }


def build_grammar() -> dict:
    """The whole grammar as a JSON-ready dict."""
    table, registry = load_names()
    repository = {
        "form": {"patterns": [{"include": f"#{name}"} for name in (
            "comment", "discard", "think", "list", "vector", "set", "fn-literal", "map",
            "regex", "string", "character", "number", "keyword", "reader-macro", "dispatch",
            "constant", "symbol")]},
        **literal_rules(),
        **structure_rules(),
        "symbol": {"patterns": symbol_rules(table, registry)},
    }
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "Spell",
        "comment": "GENERATED by grammars/generate.py from the one table and the namespace registry; do not edit.",
        "scopeName": "source.spell",
        "fileTypes": ["spell", "spl"],
        "patterns": [{"include": "#form"}, {"include": "#stray-closer"}],
        "repository": repository,
    }


def render() -> str:
    """The grammar file's text."""
    return json.dumps(build_grammar(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed grammar is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if GRAMMAR_PATH.read_text(encoding="utf-8") != text:
            print(f"{GRAMMAR_PATH} is stale: run python grammars/generate.py", file=sys.stderr)
            return 1
        return 0
    GRAMMAR_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
