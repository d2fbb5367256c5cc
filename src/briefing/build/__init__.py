"""The build: which briefs to build and which are unchanged (manifest, page cache), the processes that
check, draw and write them, and watching the inputs to build again."""
