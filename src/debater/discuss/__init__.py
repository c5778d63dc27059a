"""Arguing a stance out: the session (library), its transcript, and the terminal around it."""
