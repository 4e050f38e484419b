"""Field normalisers shared by both paths: bylines, dates, titles, outlets and language."""
