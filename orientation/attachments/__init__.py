"""Documents attached to an orientation (a certificate, a bilan): need-to-know, deleted 6 months after closure."""
