"""The Hessen citizen assistant: runtime packages (ops, knowledge, nlp, channels, web) and tooling."""
