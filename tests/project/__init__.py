"""Tests of the whole project: every rule and golden case, the corpus, the repository's conventions and trust."""
