"""Turning content into safe output: Markdown with code and math, SVG charts, fragments, PDF."""
