"""Partner API v1: directory feeds (data·inclusion, HSDS 3.0), orientations for partners' systems
(FHIR Task statuses), per-organisation tokens, signed webhooks, and the OpenAPI document."""
