"""`python -m spell_lsp` is the `spell` command."""

from .cli import main

raise SystemExit(main())
