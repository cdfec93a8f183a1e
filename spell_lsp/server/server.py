"""The Spell language server: a pygls 2 `LanguageServer` over stdio (`spell lsp`).

Texts are kept here (not in pygls' workspace, see `convert.py`), one `Document` is parsed
per (uri, version) off the event loop and shared by the diagnostics and every request of
that version. Diagnostics are computed by one worker per document that always takes the
newest version, so a burst of edits costs one analysis, not one per keystroke. An internal
error never reaches the user: it is logged and the request gets an empty answer (only
deliberate refusals, such as renaming a builtin, are answered with an error).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__
from ..analysis.code_actions import code_actions
from ..analysis.completion import Item, complete, members, visible_namespaces
from ..analysis.diagnostics import Config, diagnostics
from ..analysis.document import Document
from ..analysis.folding import folding_ranges
from ..analysis.formatting import format_on_type, format_range
from ..analysis.hover import hover, make_lookup
from ..analysis.inlay import inlay_hints
from ..analysis.navigation import (
    DocSymbol, RenameError, definition, document_symbols, highlights, prepare_rename,
    references, rename, workspace_symbols,
)
from ..analysis.selection import selection_range
from ..analysis.semantic_tokens import TOKEN_MODIFIERS, TOKEN_TYPES, semantic_tokens
from ..analysis.signature import signature_help
from ..harness.config import ConfigError, Profile, resolve_profile
from ..syntax.positions import LineIndex
from ..syntax.reader import gc_paused
from .convert import Positions, units

log = logging.getLogger("spell.lsp")

COMPLETION_KINDS = {
    "special": types.CompletionItemKind.Keyword, "macro": types.CompletionItemKind.Keyword,
    "function": types.CompletionItemKind.Function, "effect": types.CompletionItemKind.Event,
    "turn": types.CompletionItemKind.Event, "namespace": types.CompletionItemKind.Module,
    "member": types.CompletionItemKind.Method, "variable": types.CompletionItemKind.Variable,
    "keyword": types.CompletionItemKind.EnumMember, "snippet": types.CompletionItemKind.Snippet,
}
FOLDING_KINDS = {"comment": types.FoldingRangeKind.Comment,
                 "region": types.FoldingRangeKind.Region}
LINE_BREAK = re.compile(r"\r\n?|\n")
MAX_PENDING_EDITS = 64  # more edits between two parses: read the text in full
LEGEND = types.SemanticTokensLegend(token_types=list(TOKEN_TYPES),
                                    token_modifiers=list(TOKEN_MODIFIERS))


@dataclass
class OpenText:
    """The current text of an open document and its parse, once requested."""

    uri: str
    version: int
    text: str
    parse: asyncio.Future | None = None
    built: tuple[Document, Positions] | None = None  # set on the analysis thread
    positions: Positions | None = None
    # A parsed earlier version and the edits since, (start, end, inserted) in the
    # coordinates of the text each applies to: the parse re-reads only what they touch.
    base: "OpenText | None" = None
    edits: tuple[tuple[int, int, str], ...] = ()


@dataclass
class DiagnosticsWorker:
    """Publishes diagnostics of one document, always for its newest version."""

    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None


class SpellProtocol(LanguageServerProtocol):
    """Text synchronisation without pygls' workspace copy (the server keeps the texts)."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_OPEN], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CHANGE], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CLOSE], (params,), None


class SpellLanguageServer(LanguageServer):
    """The server state: open texts, diagnostics workers, the workspace profile."""

    def __init__(self) -> None:
        super().__init__("spell-lsp", __version__, protocol_cls=SpellProtocol)
        self.texts: dict[str, OpenText] = {}
        self.workers: dict[str, DiagnosticsWorker] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spell-analysis")
        self.profile = Profile(namespaces=("io",))
        self.config_path: Path | None = None
        self.config_error: str | None = None
        self.disk_cache: dict[str, tuple[int, tuple[Document, Positions]]] = {}

    @property
    def config(self) -> Config:
        """The configuration the diagnostics read (the profile's effect namespaces)."""
        return Config(tuple(self.profile.namespaces), self.profile.name,
                      str(self.config_path) if self.config_path else None, self.config_error)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log internal errors instead of showing them to the user."""
        log.error("internal error (%s): %r", getattr(source, "__name__", source), error)

    # -- documents --------------------------------------------------------------------------

    async def document(self, uri: str) -> tuple[Document, Positions] | None:
        """The parsed current version of `uri` (parsed once, shared by all requests)."""
        state = self.texts.get(uri)
        if state is None:
            return None
        if state.built is not None:
            return state.built
        if state.parse is None:
            loop = asyncio.get_running_loop()
            state.parse = loop.run_in_executor(self.pool, self.build, state)
        return await asyncio.shield(state.parse)

    def build(self, state: OpenText) -> tuple[Document, Positions]:
        """The parsed version (parsed here at most once: one analysis thread)."""
        if state.built is None:
            with gc_paused():
                doc = self.parse_version(state)
            if state.positions is None:  # share the document's line index
                state.positions = Positions(state.text, doc.parsed.source.lines, self.encoding)
            else:  # or give it ours (updated edit by edit)
                doc.parsed.source.share_lines(state.positions.lines)
            state.built = doc, state.positions
        return state.built

    @staticmethod
    def parse_version(state: OpenText) -> Document:
        """The version's document, re-read from its parsed base when it has one."""
        base, edits = state.base, state.edits
        state.base, state.edits = None, ()  # let the older version go
        if base is None or base.built is None:
            return Document(state.text, state.uri, state.version)
        return base.built[0].edited(edits, state.text, state.version)

    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def build_and_check(self, state: OpenText, config: Config) -> list[types.Diagnostic]:
        """Parse (unless done) and analyse one version in one job of the analysis thread;
        the cyclic collector is paused as for parsing (trees hold no cycles, and with
        several large trees alive its passes would cost more than the analysis)."""
        built = self.build(state)
        with gc_paused():
            return lsp_diagnostics(*built, config)

    def positions_of(self, state: OpenText) -> Positions:
        """Position conversion for a version's text, built once: it serves the requests
        of that version and the edits that arrive in its coordinates."""
        if state.positions is None:
            state.positions = Positions(state.text, LineIndex(state.text), self.encoding)
        return state.positions

    def apply_change(self, state: OpenText, version: int, change: Any) -> OpenText:
        """The next version after one content change (full or ranged)."""
        if not isinstance(change, types.TextDocumentContentChangePartial):
            return OpenText(state.uri, version, change.text)
        positions = self.positions_of(state)
        start = positions.offset(change.range.start)
        end = max(start, positions.offset(change.range.end))
        text = state.text[:start] + change.text + state.text[end:]
        moved = positions.edited(start, end, change.text, text)
        base, edits = (state, ()) if state.built is not None else (state.base, state.edits)
        if base is None or len(edits) >= MAX_PENDING_EDITS:
            return OpenText(state.uri, version, text, positions=moved)
        return OpenText(state.uri, version, text, positions=moved, base=base,
                        edits=edits + ((start, end, change.text),))

    def closed_documents(self) -> list[tuple[Document, Positions]]:
        """The workspace's .spell/.spl files that are not open (parsed once per mtime)."""
        root = self.root()
        if root is None:
            return []
        out = []
        for path in workspace_files(root):
            uri = path.as_uri()
            if uri in self.texts:
                continue
            try:
                stamp = path.stat().st_mtime_ns
                cached = self.disk_cache.get(uri)
                if cached is None or cached[0] != stamp:
                    text = path.read_text(encoding="utf-8", errors="surrogateescape")
                    doc = Document(text, uri, None)
                    cached = self.disk_cache[uri] = (stamp, (doc, Positions(
                        text, doc.parsed.source.lines, self.encoding)))
            except OSError:
                continue
            out.append(cached[1])
        return out

    # -- configuration ----------------------------------------------------------------------

    @property
    def enabled_namespaces(self) -> tuple[str, ...]:
        return self.profile.namespaces

    def root(self) -> Path | None:
        """The workspace folder (the first one the client named), or None."""
        try:
            root = self.workspace.root_path
        except RuntimeError:  # not initialized yet
            return None
        return Path(root) if root else None

    def load_config(self) -> None:
        """Read the workspace's spell.toml profile (the built-in default without one)."""
        root = self.root()
        if root is None:
            return
        try:
            self.profile, self.config_path = resolve_profile(root)
            self.config_error = None
        except ConfigError as e:
            self.profile, self.config_error = Profile(namespaces=("io",)), str(e)
            log.warning("configuration: %s", e)

    # -- diagnostics ------------------------------------------------------------------------

    def schedule_diagnostics(self, uri: str) -> None:
        worker = self.workers.get(uri)
        if worker is None:
            worker = self.workers[uri] = DiagnosticsWorker()
            worker.task = asyncio.get_running_loop().create_task(self.diagnostics_loop(uri))
        worker.wake.set()

    async def diagnostics_loop(self, uri: str) -> None:
        worker = self.workers[uri]
        while True:
            await worker.wake.wait()
            worker.wake.clear()
            state = self.texts.get(uri)
            if state is None:
                return
            try:
                published = await asyncio.get_running_loop().run_in_executor(
                    self.pool, self.build_and_check, state, self.config)
            except Exception as e:  # never let one document stop the worker
                log.exception("diagnostics failed for %s: %r", uri, e)
                continue
            if self.texts.get(uri) is state:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=uri, version=state.version, diagnostics=published))

    def refresh_all(self) -> None:
        for uri in list(self.texts):
            self.schedule_diagnostics(uri)


SEVERITIES = {"error": types.DiagnosticSeverity.Error,
              "warning": types.DiagnosticSeverity.Warning,
              "information": types.DiagnosticSeverity.Information,
              "hint": types.DiagnosticSeverity.Hint}


def lsp_diagnostics(doc: Document, positions: Positions, config: Config
                    ) -> list[types.Diagnostic]:
    """The document's diagnostics; only its reader errors when the analysis fails."""
    try:
        found = diagnostics(doc, config)
    except Exception as e:
        log.exception("analysis failed for %s: %r", doc.uri, e)
        found = [ReaderDiagnostic(err.start, max(err.end, err.start + 1), err.message)
                 for err in doc.errors]
    return [to_diagnostic(d, positions) for d in found]


@dataclass(frozen=True)
class ReaderDiagnostic:
    """A reader error shaped like an analysis diagnostic (the fallback above)."""

    start: int
    end: int
    message: str
    code: str = "read-error"
    severity: str = "error"
    data: dict | None = None


def to_diagnostic(d: Any, positions: Positions) -> types.Diagnostic:
    end = min(max(d.start, d.end), len(positions.text))
    return types.Diagnostic(range=positions.range(min(d.start, end), end), message=d.message,
                            severity=SEVERITIES.get(d.severity), source="spell", code=d.code,
                            data=d.data)


def workspace_files(root: Path) -> list[Path]:
    """Spell files under `root`, skipping hidden folders (run journals live in .spell/)
    and dependency folders."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        found += [Path(folder) / f for f in sorted(files) if f.endswith((".spell", ".spl"))]
        if len(found) >= WORKSPACE_FILE_LIMIT:
            return found[:WORKSPACE_FILE_LIMIT]
    return found


def safe(default: Callable[[], Any]):
    """Decorator: log an internal error and answer `default()` instead of failing."""

    def deco(fn):
        @functools.wraps(fn)
        async def wrapper(ls: SpellLanguageServer, params: Any) -> Any:
            try:
                return await fn(ls, params)
            except JsonRpcException:
                raise  # a deliberate error answer (e.g. a refused rename)
            except Exception as e:
                log.exception("%s failed: %r", fn.__name__, e)
                return default()
        return wrapper

    return deco


def uri_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def create_server() -> SpellLanguageServer:
    """A server with every feature registered."""
    server = SpellLanguageServer()
    register_sync(server)
    register_language(server)
    register_structure(server)
    register_formatting(server)
    register_actions(server)
    register_navigation(server)
    return server


# -- synchronisation and configuration ---------------------------------------------------------

def register_sync(server: SpellLanguageServer) -> None:
    @server.feature(types.INITIALIZED)
    def initialized(ls: SpellLanguageServer, params: types.InitializedParams) -> None:
        ls.load_config()
        watch = ls.client_capabilities.workspace
        watched = watch and watch.did_change_watched_files
        if watched and watched.dynamic_registration:
            ls.client_register_capability(types.RegistrationParams(registrations=[
                types.Registration(
                    id="spell-toml", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern="**/spell.toml")]))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SpellLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        ls.texts[doc.uri] = OpenText(doc.uri, doc.version, doc.text)
        ls.schedule_diagnostics(doc.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SpellLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.texts.get(uri)
        if state is None:
            return
        for change in params.content_changes:
            state = ls.apply_change(state, params.text_document.version, change)
        ls.texts[uri] = state
        ls.schedule_diagnostics(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SpellLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.texts.pop(uri, None)
        worker = ls.workers.pop(uri, None)
        if worker is not None and worker.task is not None:
            worker.task.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri,
                                                                            diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: SpellLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith("spell.toml") for change in params.changes):
            ls.load_config()
            ls.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: SpellLanguageServer,
                      params: types.DidChangeConfigurationParams) -> None:
        ls.load_config()
        ls.refresh_all()


# -- language features -----------------------------------------------------------------------

def completion_item(item: Item, replace: types.Range) -> types.CompletionItem:
    snippet = item.insert is not None
    return types.CompletionItem(
        label=item.label, kind=COMPLETION_KINDS.get(item.kind), detail=item.detail or None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.doc)
        if item.doc else None,
        filter_text=item.filter,
        insert_text_format=types.InsertTextFormat.Snippet if snippet else None,
        text_edit=types.TextEdit(range=replace, new_text=item.insert if snippet else item.label))


def register_language(server: SpellLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["(", "/", ":"]))
    @safe(lambda: None)
    async def completion(ls: SpellLanguageServer, params: types.CompletionParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return None
        doc, positions = found
        offset = positions.offset(params.position)
        start, items = complete(doc, offset, ls.enabled_namespaces)
        replace = positions.range(start, offset)
        # Until the word has a `/`, typing one changes the answer (namespace members), and
        # clients filter a complete list instead of asking again.
        return types.CompletionList(is_incomplete="/" not in doc.text[start:offset],
                                    items=[completion_item(i, replace) for i in items])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @safe(lambda: None)
    async def on_hover(ls: SpellLanguageServer, params: types.HoverParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return None
        doc, positions = found
        result = hover(doc, positions.offset(params.position), ls.enabled_namespaces)
        if result is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=result.text),
                           range=positions.range(result.start, result.end))

    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP,
                    types.SignatureHelpOptions(trigger_characters=[" ", "("],
                                               retrigger_characters=[" "]))
    @safe(lambda: None)
    async def on_signature(ls: SpellLanguageServer, params: types.SignatureHelpParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return None
        doc, positions = found
        offset = positions.offset(params.position)
        sig = signature_help(doc, offset, make_lookup(doc, ls.enabled_namespaces, offset))
        if sig is None:
            return None
        encoding = positions.encoding
        params_ = [types.ParameterInformation(label=(units(sig.label[:s], encoding),
                                                     units(sig.label[:e], encoding)))
                   for s, e in sig.params]
        info = types.SignatureInformation(
            label=sig.label, parameters=params_, active_parameter=sig.active,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=sig.doc))
        return types.SignatureHelp(signatures=[info], active_signature=0,
                                   active_parameter=sig.active)

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @safe(list)
    async def on_inlay(ls: SpellLanguageServer, params: types.InlayHintParams):
        path, root = uri_path(params.text_document.uri), ls.root()
        found = await ls.document(params.text_document.uri)
        if found is None or path is None or root is None:
            return []
        doc, positions = found
        lo, hi = positions.offset(params.range.start), positions.offset(params.range.end)
        return [types.InlayHint(position=positions.position(offset), label=label,
                                kind=types.InlayHintKind.Type, padding_left=True)
                for offset, label in inlay_hints(doc.text, path, root) if lo <= offset <= hi]


# -- structure -------------------------------------------------------------------------------

def register_structure(server: SpellLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    @safe(list)
    async def on_folding(ls: SpellLanguageServer, params: types.FoldingRangeParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return []
        return [types.FoldingRange(start_line=a, end_line=b, kind=FOLDING_KINDS[kind])
                for a, b, kind in folding_ranges(found[0])]

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    @safe(list)
    async def on_selection(ls: SpellLanguageServer, params: types.SelectionRangeParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return []
        doc, positions = found
        out = []
        for position in params.positions:
            parent = None
            for start, end in reversed(selection_range(doc, positions.offset(position))):
                parent = types.SelectionRange(range=positions.range(start, end), parent=parent)
            out.append(parent)
        return out

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    @safe(lambda: types.SemanticTokens(data=[]))
    async def on_tokens(ls: SpellLanguageServer, params: types.SemanticTokensParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return types.SemanticTokens(data=[])
        doc, positions = found
        return types.SemanticTokens(data=encode_tokens(semantic_tokens(doc), positions))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    @safe(lambda: types.SemanticTokens(data=[]))
    async def on_tokens_range(ls: SpellLanguageServer, params: types.SemanticTokensRangeParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return types.SemanticTokens(data=[])
        doc, positions = found
        lo, hi = positions.offset(params.range.start), positions.offset(params.range.end)
        return types.SemanticTokens(data=encode_tokens(semantic_tokens(doc, lo, hi),
                                                       positions))


# -- navigation ------------------------------------------------------------------------------

SYMBOL_KINDS = {
    "wrapper": types.SymbolKind.Module, "quine": types.SymbolKind.Module,
    "prompt": types.SymbolKind.String, "def": types.SymbolKind.Variable,
    "define": types.SymbolKind.Variable, "persist": types.SymbolKind.Variable,
    "defn": types.SymbolKind.Function, "defmacro": types.SymbolKind.Operator,
    "message": types.SymbolKind.Event, "think": types.SymbolKind.String,
    "rethink": types.SymbolKind.String, "trailing": types.SymbolKind.Event,
}
WORKSPACE_FILE_LIMIT = 500
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: the request was valid but cannot be done (message says why)."""

    CODE = -32803


def document_symbol(s: DocSymbol, positions: Positions) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=s.name or s.kind, kind=SYMBOL_KINDS.get(s.kind, types.SymbolKind.Object),
        detail=s.detail or None, range=positions.range(s.start, s.end),
        selection_range=positions.range(s.sel_start, s.sel_end),
        children=[document_symbol(c, positions) for c in s.children] or None)


def register_navigation(server: SpellLanguageServer) -> None:
    def locations(uri: str, spans, positions: Positions) -> list[types.Location]:
        return [types.Location(uri=uri, range=positions.range(s, e)) for s, e in spans]

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @safe(list)
    async def on_definition(ls: SpellLanguageServer, params: types.DefinitionParams):
        uri = params.text_document.uri
        found = await ls.document(uri)
        if found is None:
            return []
        doc, positions = found
        return locations(uri, definition(doc, positions.offset(params.position)), positions)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @safe(list)
    async def on_references(ls: SpellLanguageServer, params: types.ReferenceParams):
        uri = params.text_document.uri
        found = await ls.document(uri)
        if found is None:
            return []
        doc, positions = found
        spans = references(doc, positions.offset(params.position),
                           params.context.include_declaration)
        return locations(uri, spans, positions)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @safe(list)
    async def on_highlight(ls: SpellLanguageServer, params: types.DocumentHighlightParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return []
        doc, positions = found
        kinds = {"write": types.DocumentHighlightKind.Write,
                 "read": types.DocumentHighlightKind.Read}
        return [types.DocumentHighlight(range=positions.range(s, e), kind=kinds[k])
                for s, e, k in highlights(doc, positions.offset(params.position))]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @safe(lambda: None)
    async def on_prepare_rename(ls: SpellLanguageServer, params: types.PrepareRenameParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return None
        doc, positions = found
        try:
            start, end = prepare_rename(doc, positions.offset(params.position))
        except RenameError as e:
            raise RequestFailed(str(e)) from None
        return types.PrepareRenamePlaceholder(range=positions.range(start, end),
                                              placeholder=doc.text[start:end])

    @server.feature(types.TEXT_DOCUMENT_RENAME,
                    types.RenameOptions(prepare_provider=True))
    @safe(lambda: None)
    async def on_rename(ls: SpellLanguageServer, params: types.RenameParams):
        uri = params.text_document.uri
        found = await ls.document(uri)
        if found is None:
            return None
        doc, positions = found
        try:
            edits = rename(doc, positions.offset(params.position), params.new_name)
        except RenameError as e:
            raise RequestFailed(str(e)) from None
        return types.WorkspaceEdit(changes={uri: text_edits(edits, positions)})

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @safe(list)
    async def on_document_symbol(ls: SpellLanguageServer,
                                 params: types.DocumentSymbolParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return []
        doc, positions = found
        return [document_symbol(s, positions) for s in document_symbols(doc)]

    @server.feature(types.WORKSPACE_SYMBOL)
    @safe(list)
    async def on_workspace_symbol(ls: SpellLanguageServer,
                                  params: types.WorkspaceSymbolParams):
        out = []
        found_all = [await ls.document(uri) for uri in list(ls.texts)]
        loop = asyncio.get_running_loop()
        found_all += await loop.run_in_executor(ls.pool, ls.closed_documents)
        for found in found_all:
            if found is None:
                continue
            doc, positions = found
            uri = doc.uri
            for _, s in workspace_symbols([doc], params.query):
                out.append(types.WorkspaceSymbol(
                    name=s.name, kind=SYMBOL_KINDS.get(s.kind, types.SymbolKind.Object),
                    location=types.Location(uri=uri,
                                            range=positions.range(s.sel_start, s.sel_end))))
        return out


# -- code actions ----------------------------------------------------------------------------

def register_actions(server: SpellLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    @safe(list)
    async def on_code_action(ls: SpellLanguageServer, params: types.CodeActionParams):
        uri = params.text_document.uri
        found = await ls.document(uri)
        if found is None:
            return []
        doc, positions = found
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        spaces = {name: list(members(infos))
                  for name, infos in visible_namespaces(ls.enabled_namespaces).items()}
        actions = code_actions(doc, diagnostics(doc, ls.config), start, end, spaces)
        return [types.CodeAction(
            title=a.title, kind=a.kind, is_preferred=a.is_preferred or None,
            diagnostics=[to_diagnostic(d, positions) for d in a.diagnostics] or None,
            edit=types.WorkspaceEdit(changes={uri: text_edits(list(a.edits), positions)}))
            for a in actions]


# -- formatting ------------------------------------------------------------------------------

def register_formatting(server: SpellLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @safe(list)
    async def on_format(ls: SpellLanguageServer, params: types.DocumentFormattingParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return []
        doc, positions = found
        return text_edits(format_range(doc.text, 0, len(doc.text), doc.parsed), positions)

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    @safe(list)
    async def on_format_range(ls: SpellLanguageServer,
                              params: types.DocumentRangeFormattingParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return []
        doc, positions = found
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        return text_edits(format_range(doc.text, start, end, doc.parsed), positions)

    @server.feature(types.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
                    types.DocumentOnTypeFormattingOptions(first_trigger_character="\n",
                                                          more_trigger_character=[")", "]", "}"]))
    @safe(list)
    async def on_type(ls: SpellLanguageServer, params: types.DocumentOnTypeFormattingParams):
        found = await ls.document(params.text_document.uri)
        if found is None:
            return []
        doc, positions = found
        offset = positions.offset(params.position)
        return text_edits(format_on_type(doc.text, offset, params.ch, doc.parsed), positions)


def text_edits(edits: list[tuple[int, int, str]], positions: Positions) -> list[types.TextEdit]:
    return [types.TextEdit(range=positions.range(start, end), new_text=new)
            for start, end, new in edits]


def encode_tokens(tokens: list[tuple[int, int, int, int]], positions: Positions) -> list[int]:
    """LSP's relative encoding; tokens spanning lines are split at line breaks."""
    data: list[int] = []
    prev_line = prev_char = 0
    text = positions.text
    for start, end, kind, mods in tokens:
        for s, e in line_pieces(text, start, end):
            pos = positions.position(s)
            length = units(text[s:e], positions.encoding)
            if length == 0:
                continue
            delta_line = pos.line - prev_line
            delta_char = pos.character - prev_char if delta_line == 0 else pos.character
            data += [delta_line, delta_char, length, kind, mods]
            prev_line, prev_char = pos.line, pos.character
    return data


def line_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at line breaks (the breaks themselves left out)."""
    pieces, pos = [], start
    for m in LINE_BREAK.finditer(text, start, end):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, end))
    return pieces


def serve() -> int:
    """Run the server on stdin/stdout until the client exits."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    create_server().start_io()
    return 0
