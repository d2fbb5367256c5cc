"""Handing the PDFs on: PNG previews and contact sheets, and printing through CUPS."""
