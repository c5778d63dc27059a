"""What debater writes beside the notes: sidecars in JSON and Markdown, argument maps."""
