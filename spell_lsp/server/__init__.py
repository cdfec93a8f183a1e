"""The Spell language server (pygls): converts between LSP and the analyses."""

from .server import SpellLanguageServer, create_server, serve

__all__ = ["SpellLanguageServer", "create_server", "serve"]
