"""The aiohttp edge: REST, live updates and the web client, over the SQL API."""
