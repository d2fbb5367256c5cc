"""One page of a 简报: the page setup, the faces, Chinese line setting, the 版记, the layout that fits a brief to
one A4 page, and drawing it."""
