"""Training and evaluation: CodiEsp loading, metrics, dataset building and model training."""
