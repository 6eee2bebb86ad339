"""The typed model of the process, built from validated YAML."""
