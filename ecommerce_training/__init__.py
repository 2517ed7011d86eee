"""E-commerce workshops and the practice marketplace (issue 7). Empty for now."""
