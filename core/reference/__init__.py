"""Reference data: UN member states, territories and the five UN regional groups."""
