"""Pure scoring library: grading, ability estimates, gap decisions, recommendations.

Nothing here imports Flask or SQLAlchemy; it takes plain data and returns frozen dataclasses.
"""
