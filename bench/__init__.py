"""Benchmarks: `make bench` (bench.load: the stack under load, against the stock
`rasa init` bot) and `make bench-nlu` (bot.trainer.bench: the NLU pipeline on public sets)."""
