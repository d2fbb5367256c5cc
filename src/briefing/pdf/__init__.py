"""The PDF writer: objects, pages and their tags, CID font subsets, Deflate; it knows nothing of briefs."""
