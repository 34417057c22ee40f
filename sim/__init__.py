"""Agent-based model of Shenzhen's strategic emerging industries plan (深府〔2018〕84号)."""

__version__ = "0.1.0"
