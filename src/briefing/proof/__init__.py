"""Checks before anything is written: every figure proved against its source, glyphs, placeholders, the
one-page fit."""
