"""Every periodic job of the product, in one place (the beat process reads only this)."""

BEAT_SCHEDULE: dict = {}
