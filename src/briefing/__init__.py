"""briefing: one-page Chinese briefings (简报) from YAML summaries, as print-ready PDFs."""

__version__ = "0.1.0"
