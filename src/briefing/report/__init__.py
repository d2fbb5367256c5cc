"""The combined report: every briefing's page reprinted after a cover, contents, a comparison of the
provinces' figures and charts, then the sources and the 报尾."""
