"""HTTP handlers, one module per area; routes are listed in edge.app.ROUTES."""
