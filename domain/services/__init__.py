"""Services: the rules of the contact domain. Each takes a Principal and keyword arguments."""
