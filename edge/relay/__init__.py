"""The live relay: listener.py (LISTEN on the database, enrich, replay) and hub.py (fan-out, no SQL)."""
