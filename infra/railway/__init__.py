"""Railway: API and Uptime Kuma services through our own GraphQL client."""
