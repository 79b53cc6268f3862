"""Use cases shared by the CLI and the GUI: drafts, autosave, rendering."""
