"""The HTML path of cleaning: main text, page metadata and HTML boilerplate."""
