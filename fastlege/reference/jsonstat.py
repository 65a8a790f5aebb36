"""A reader for JSON-stat 2.0 datasets, as Statistics Norway's statistics bank
(PxWebApi, ``…/api/v0/no/table/<id>`` with ``"response": {"format": "json-stat2"}``)
returns them. The format: https://json-stat.org/full/ (version 2.0).

Why a reader of our own and not a library: none is installed in the project's
environment, and the two on PyPI do not fit — ``pyjstat`` converts to pandas
DataFrames (pandas is not a dependency of the project, and would be the largest
one for a few thousand cells), ``jsonstat.py`` has had no release since 2017. The
part of the format an SSB table uses is small and is all read here, strictly:

* one ``dataset`` (``"version": "2.0"``, ``"class": "dataset"``);
* ``id`` and ``size``: the dimensions in order, and their number of categories;
* per dimension ``category.index`` as an array of ids or an object id → position
  (or absent, for a dimension of one category named by ``category.label``);
* ``value`` as an array (row-major: the last dimension varies fastest) or as a
  sparse object position → value; ``null`` is a missing figure;
* ``status`` as one string for every cell, an array, or an object position → status
  (SSB: ``..`` figures not available, ``.`` not applicable, ``:`` confidential);
* ``role`` (``time``, ``geo``, ``metric``) when present.

A file that breaks the structure is refused as a whole (:class:`JsonStatError`,
with the reason); a cell's value is returned as it is written (numbers as ``int``
or exact ``Decimal``), for the importer to check cell by cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from math import prod
from typing import Any

from fastlege.reference.errors import Code, refuse


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    categories: tuple[str, ...]  # category ids in index order
    labels: dict[str, str]


@dataclass(frozen=True)
class Cell:
    position: int  # the cell's place in ``value`` (0-based), as in the file
    categories: tuple[str, ...]  # one category id per dimension, in ``id`` order
    value: Any  # int, Decimal, None, or whatever else the file holds there
    status: str | None


@dataclass(frozen=True)
class Dataset:
    label: str
    source: str
    updated: str
    dimensions: tuple[Dimension, ...]
    role: dict[str, list[str]]
    extension: dict[str, Any]
    values: dict[int, Any]  # position → value; absent positions are missing
    status: dict[int, str]

    @property
    def size(self) -> int:
        return prod(len(d.categories) for d in self.dimensions)

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(dim_id)

    def find(self, role: str, *ids: str) -> Dimension | None:
        """The dimension of ``role`` (``time``, ``geo``, ``metric``), else the first of
        ``ids`` the dataset has."""
        for dim_id in self.role.get(role, []):
            return self.dimension(dim_id)
        known = {d.id: d for d in self.dimensions}
        return next((known[i] for i in ids if i in known), None)

    def cells(self) -> Iterator[Cell]:
        """Every cell in order, missing ones included (value ``None``)."""
        sizes = [len(d.categories) for d in self.dimensions]
        for position in range(self.size):
            rest, coords = position, []
            for n in reversed(sizes):
                rest, i = divmod(rest, n)
                coords.append(i)
            coords.reverse()
            yield Cell(
                position,
                tuple(d.categories[i] for d, i in zip(self.dimensions, coords, strict=True)),
                self.values.get(position),
                self.status.get(position),
            )


def _bad(reason: str) -> Any:
    refuse(Code.JSONSTAT_STRUCTURE, reason=reason)


def _categories(dim_id: str, body: Any, size: int) -> Dimension:
    if not isinstance(body, dict) or not isinstance(body.get("category"), dict):
        _bad(f"dimension {dim_id}: no category")
    category = body["category"]
    labels = category.get("label") or {}
    index = category.get("index")
    if not isinstance(labels, dict):
        _bad(f"dimension {dim_id}: category.label is not an object")
    if index is None:
        if len(labels) != 1:
            _bad(f"dimension {dim_id}: no category.index")
        ids = list(labels)
    elif isinstance(index, list):
        ids = index
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(type(p) is int for p in positions) or sorted(positions) != list(
            range(len(index))
        ):
            _bad(f"dimension {dim_id}: category.index is not 0…{len(index) - 1}")
        ids = sorted(index, key=index.__getitem__)
    else:
        _bad(f"dimension {dim_id}: category.index is neither an array nor an object")
    if not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        _bad(f"dimension {dim_id}: category ids are not distinct strings")
    if len(ids) != size:
        _bad(f"dimension {dim_id}: {len(ids)} categories, size says {size}")
    return Dimension(
        dim_id,
        str(body.get("label", dim_id)),
        tuple(ids),
        {str(k): str(v) for k, v in labels.items()},
    )


def _by_position(name: str, raw: Any, size: int) -> dict[int, Any]:
    if isinstance(raw, list):
        if len(raw) != size:
            _bad(f"{name} has {len(raw)} entries, the dimensions have {size} cells")
        return {i: v for i, v in enumerate(raw) if v is not None}
    if isinstance(raw, dict):
        out = {}
        for key, v in raw.items():
            if not (isinstance(key, str) and key.isdigit() and int(key) < size):
                _bad(f"{name} has position {key!r} outside 0…{size - 1}")
            if v is not None:
                out[int(key)] = v
        return out
    _bad(f"{name} is neither an array nor an object")
    return {}


def parse(data: bytes | str) -> Dataset:
    """The dataset in ``data`` (UTF-8 JSON), or :class:`JsonStatError`."""
    try:
        doc = json.loads(data, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        refuse(Code.JSONSTAT_NOT_JSON)
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        _bad('not a dataset ("class": "dataset")')
    if doc.get("version") != "2.0":
        _bad(f'version {doc.get("version")!r}, not "2.0"')
    ids, sizes, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not (isinstance(ids, list) and isinstance(sizes, list) and isinstance(dims, dict)):
        _bad("id, size or dimension missing")
    if len(ids) != len(sizes) or not all(isinstance(n, int) and n >= 0 for n in sizes):
        _bad("id and size do not match")
    if set(ids) != set(dims) or len(set(ids)) != len(ids):
        _bad("id does not name each dimension once")
    dimensions = tuple(_categories(i, dims[i], n) for i, n in zip(ids, sizes, strict=True))
    size = prod(sizes)
    if "value" not in doc:
        _bad("no value")
    values = _by_position("value", doc["value"], size)
    raw_status = doc.get("status")
    if isinstance(raw_status, str):
        status = dict.fromkeys(range(size), raw_status)
    elif raw_status is None:
        status = {}
    else:
        status = {k: str(v) for k, v in _by_position("status", raw_status, size).items()}
    role = doc.get("role") or {}
    if not isinstance(role, dict) or not all(
        isinstance(v, list) and set(v) <= set(ids) for v in role.values()
    ):
        _bad("role names dimensions the dataset does not have")
    return Dataset(
        label=str(doc.get("label", "")),
        source=str(doc.get("source", "")),
        updated=str(doc.get("updated", "")),
        dimensions=dimensions,
        role=role,
        extension=doc.get("extension") if isinstance(doc.get("extension"), dict) else {},
        values=values,
        status=status,
    )
