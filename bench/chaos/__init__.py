"""The chaos bench: faults injected into the real flow at a small scale, and proof that it recovers.

bench.chaos.bench prepares the input and the clean run every faulted run is held to;
bench.chaos.runs drives `movies run` children (timed kills); bench.chaos.state reads and compares
what runs leave; bench.chaos.scenarios holds the faults; `python -m bench.chaos` runs the matrix.
"""
