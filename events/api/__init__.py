"""The REST API under /api/v1/ and the Atom feed under /feeds/."""
