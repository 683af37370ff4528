"""Registry pages, one blueprint per audience. Views are thin: services do the work."""
