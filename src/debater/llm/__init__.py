"""Talking to language models: model facts, prompts, requests, structured answers."""
