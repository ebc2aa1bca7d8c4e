"""Rules about the YAML text itself: anchors, aliases and merge keys."""
