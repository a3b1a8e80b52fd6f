"""Tracked orientations (referrals): the closed loop from sending to outcome."""
