"""Tests against real PostgreSQL, Redis and Rasa servers."""
