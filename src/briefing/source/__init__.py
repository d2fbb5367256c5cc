"""Reading the inputs: YAML with positions, the brief's model and schema, files, photos, figures in text."""
