"""Checks before anything is written: figures against their sources, glyphs, placeholders, the fit."""
