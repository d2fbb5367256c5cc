"""One page of a 简报: page setup, faces, Chinese line setting, the 版记, the fit to one A4 page, drawing."""
