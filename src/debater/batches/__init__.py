"""`run --batch`: a run's requests through the providers' batch APIs, at half the price.

api: what a provider's batch API offers; anthropic, openai, mock: the three that exist;
store: the batches of a notes folder on disk; deferring: the wrapper backend that notes a
request for the next batch instead of sending it; runner: passes of the engine and batches in
turn until every note is answered.
"""
