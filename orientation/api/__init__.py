"""Partner API v1: tokens, directory feeds, orientations, webhooks, OpenAPI.

Directory feeds (data·inclusion, HSDS 3.0), orientations for partners' systems (FHIR Task statuses),
per-organisation tokens, signed webhooks, and the OpenAPI document.
"""
