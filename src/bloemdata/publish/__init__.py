"""Publishing: the citable release bundle."""
