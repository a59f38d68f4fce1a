"""Writing the history and the study material out of examprep (CSV/JSON, Anki decks)."""
