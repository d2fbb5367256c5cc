"""Reading the inputs: YAML with the position of every value, the brief's model and schema, input files read
safely, photos, and the figures that Chinese text states."""
