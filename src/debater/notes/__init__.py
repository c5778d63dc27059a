"""Reading notes: finding them, loading their text, splitting it into passages, its language."""
