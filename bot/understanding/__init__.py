"""Language understanding: sentence embeddings for the safety classifier, FAQ matching and the coach."""

from bot.understanding.encoder import DEFAULT_DIR, DIMENSION, Embeddings, Encoder, ModelUnavailable

__all__ = ["DEFAULT_DIR", "DIMENSION", "Embeddings", "Encoder", "ModelUnavailable"]
