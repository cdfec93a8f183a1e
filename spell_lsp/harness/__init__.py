"""Agent harness: turn loop, self-edits, transports, run journal (see docs/ARCHITECTURE.md)."""
