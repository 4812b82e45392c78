"""venuekit adapters: the adapter SDK (domain model, contract, network toolkit) and reference adapters.

Reference adapters are real adapters: they never import the simulator, and pointed at the real
venue's URLs they would work.
"""
