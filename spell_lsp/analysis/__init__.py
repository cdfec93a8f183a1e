"""Static analysis of Spell documents for the language server and `spell check`.

Pure functions of source text and positions: no LSP types here (the server converts).
Offsets are Python string indices into the document text; positions are 0-based
(line, column in code points).
"""
