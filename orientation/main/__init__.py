"""Home page and site pages (accessibility)."""
