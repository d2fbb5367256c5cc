"""The combined report: cover, contents, comparison and charts, every briefing's page, sources, 报尾."""
