"""The build: what to build, the processes that check, draw and write, and watching the inputs."""
