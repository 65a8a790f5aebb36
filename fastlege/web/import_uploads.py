"""Uploaded registry files kept between the dry run and the confirmed import.

The import page checks the files first (a dry run) and imports them only when the
municipality's officer confirms. The files are kept in between, packed in one zip
under ``DATA_DIR/import-uploads/`` with a random name known only to the uploader's
session, for at most ``KEEP_FOR`` (they hold identity numbers): the import deletes
them, and every new upload removes what is older. The name never appears in a URL.
"""

from __future__ import annotations

import io
import os
import secrets
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from fastlege.core import uploads

#: How long checked files wait for the confirmation.
KEEP_FOR = 60 * 60
#: The files of one upload: the four CSV files, or a zip, or a workbook.
MAX_FILES = 4
SESSION_KEY = "registry_import"
SUFFIXES = (".csv", ".zip", ".xlsx")


def _dir() -> Path:
    path = Path(settings.DATA_DIR) / "import-uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def read_uploads(files: Any) -> dict[str, bytes]:
    """The uploaded files (``request.FILES``) within the limits of ``core.uploads``:
    at most ``MAX_FILES``, each at most ``uploads.MAX_FILE_BYTES``, a zip or workbook
    within the archive limits. Refused with an ``UploadError``."""
    uploads.check_file_count(files, MAX_FILES)
    out: dict[str, bytes] = {}
    for upload in files.getlist("files"):
        content = uploads.read_upload(upload)
        name = Path(upload.name or "").name
        if not content:
            uploads.refuse(uploads.Code.FILE_EMPTY)
        if name.lower().endswith((".zip", ".xlsx")):  # a workbook is a zip of XML parts
            uploads.check_zip(content)
        out[name] = content
    return out


def stage(session: Any, municipality: str, files: Mapping[str, bytes]) -> str:
    """Keep ``files`` for the confirmation; returns the token the session holds."""
    _forget_old()
    token = secrets.token_hex(16)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    path = _dir() / f"{token}.zip"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(buffer.getvalue())
    session[SESSION_KEY] = {"token": token, "municipality": municipality}
    return token


def staged(session: Any, municipality: str, token: str) -> dict[str, bytes] | None:
    """The files this session checked for ``municipality`` under ``token``, or None."""
    held = session.get(SESSION_KEY) or {}
    if not token or held.get("token") != token or held.get("municipality") != municipality:
        return None
    path = _dir() / f"{token}.zip"
    if not path.exists() or time.time() - path.stat().st_mtime > KEEP_FOR:
        return None
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def discard(session: Any) -> None:
    held = session.pop(SESSION_KEY, None) or {}
    token = str(held.get("token", ""))
    if token.isalnum():
        (_dir() / f"{token}.zip").unlink(missing_ok=True)


def _forget_old() -> None:
    limit = time.time() - KEEP_FOR
    for path in _dir().glob("*.zip"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            continue
