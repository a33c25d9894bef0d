"""Checks of the shipped content: the starter bank, the cases, the reference pages and the graded model."""
