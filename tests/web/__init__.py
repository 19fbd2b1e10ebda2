"""Website gateway and widget tests."""
