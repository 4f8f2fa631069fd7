"""Booker: a booking engine in which PostgreSQL owns correctness."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_DIR = ROOT / "db"
