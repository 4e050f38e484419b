"""The text and Markdown path of cleaning: lines, header, boilerplate and paragraphs."""
