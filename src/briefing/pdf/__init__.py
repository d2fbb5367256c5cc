"""The PDF writer: objects and streams, pages with their tags, CID-keyed font subsets, Deflate, and reading a
finished PDF back; it knows nothing of briefs or pages."""
