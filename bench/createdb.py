"""Create the PostgreSQL database named in a URL if it does not exist yet (`make bench`, `make prove`)."""

import sys
from urllib.parse import urlparse

import psycopg2
from psycopg2 import sql


def database_create(url: str, *, fresh: bool = False) -> bool:
    """Create the database named in `url` if missing (drop it first when `fresh`); whether it was created."""
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            if fresh:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                cursor.execute(drop.format(sql.Identifier(name)))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        conn.close()


if __name__ == "__main__":
    if database_create(sys.argv[1]):
        print(f"created database {urlparse(sys.argv[1]).path.lstrip('/')}")
