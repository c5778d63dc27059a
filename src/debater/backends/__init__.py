"""Pluggable language-model backends."""
