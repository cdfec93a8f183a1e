"""Fixtures for end-to-end language-server tests: a real `spell lsp` subprocess driven by
pytest-lsp, once per client capability profile (VS Code and Neovim) and test module."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ["visual-studio-code", "neovim"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace folder whose spell.toml enables the io namespace."""
    root = tmp_path_factory.mktemp("ws")
    (root / "spell.toml").write_text('[profile]\nnamespaces = ["io"]\n')
    return root


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "spell_lsp", "lsp"],
                              server_env={**os.environ, "PYTHONPATH": str(ROOT)}),
    params=PROFILES, scope="module")
async def client(lsp_client: LanguageClient, request, workspace: Path):
    lsp_client.published = {}

    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        lsp_client.diagnostics[params.uri] = params.diagnostics
        lsp_client.published[params.uri] = (params.version, list(params.diagnostics))

    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        lsp_client.registrations += params.registrations

    # Replaces pytest-lsp's handler: tests wait for the diagnostics of a given version.
    lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_diagnostics

    lsp_client.initialize_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(request.param), root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
    lsp_client.workspace_root = workspace
    lsp_client.encoding = lsp_client.initialize_result.capabilities.position_encoding or "utf-16"
    yield
    await lsp_client.shutdown_session()
