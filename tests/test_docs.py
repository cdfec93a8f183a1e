"""Generated documentation stays equal to what the one table says."""

from pathlib import Path

from spell_lsp.lang.reference import render_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_builtins_reference_is_up_to_date():
    committed = (ROOT / "docs" / "builtins.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), (
        "docs/builtins.md is stale: python -m spell_lsp.lang.reference > docs/builtins.md")


def test_every_table_entry_has_a_one_line_doc_and_category():
    from spell_lsp.lang.core import load_modules
    from spell_lsp.lang.table import TABLE
    load_modules()
    for entry in TABLE.values():
        assert entry.doc and "\n" not in entry.doc, entry.name
        assert entry.category, entry.name
