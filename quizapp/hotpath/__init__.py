"""The hand-written reads and writes of the busiest requests (see README.md here for their contract)."""
