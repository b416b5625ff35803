"""The trainer's tools: measure how well the NLU pipeline of `config.yml` understands people.

`supportbot eval` (held-out split, k-fold cross-validation, out-of-scope sets) and
`make bench-nlu` (public benchmarks). Heavy imports (Rasa, TensorFlow, matplotlib) happen
inside the functions that need them, so `supportbot --help` stays fast.
"""
