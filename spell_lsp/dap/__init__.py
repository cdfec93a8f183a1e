"""The Spell debug adapter: DAP on stdio over the agent harness (`spell dap`)."""
