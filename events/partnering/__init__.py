"""Partnering: B2B meetings between participants, placed by a solver, held at numbered tables."""
