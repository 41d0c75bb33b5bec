"""Pseudonyms that stand in for case references and practitioners' names in reports.

Reports never show a case reference or a worker's name (the suite's rules for publishing
safely): a case becomes a pseudonym such as ``Case 7K3P`` and a worker ``Worker QX``. The
functions here build the mapping from each identifier to its pseudonym; a measure or chart then
shows the pseudonym only. There are two kinds.

**Numbered, stable within one report** (:func:`pseudonyms`, :func:`worker_pseudonyms`):
``Case 01``, ``Worker A``. The same input gives the same mapping every time (no randomness,
no dependence on hashing), but they are numbered by position, so ``Case 07`` in one report and
``Case 07`` in the next (with other cases, or the same cases in another order) need not be the
same case. Do not compare cases between reports by these.

**Salted, stable across reports** (:func:`stable_pseudonyms`, :func:`stable_worker_pseudonyms`):
``Case 7K3P``, ``Worker QX``. The code is a keyed hash (HMAC-SHA256) of the identifier under a
secret *salt* that belongs to this installation, so the same case has the same pseudonym in
every report run here, this month and next, whatever else is in the data; and without the
salt no one can work back from a pseudonym to the case, even by trying every possible case
reference.

Where the salt lives
    In the file named by the environment variable ``SERVICE_WORKBOOKS_SALT_FILE`` (an absolute
    path) when it is set; otherwise ``$XDG_CONFIG_HOME/service-workbooks/salt``, which is
    ``~/.config/service-workbooks/salt`` on most systems. :func:`salt_path` says which. It is
    created on first use: 32 random bytes, written as 64 hexadecimal characters, readable by
    its owner only (file permissions 0600, folder 0700). It lives outside the project folder
    on purpose.

Keep it safe
    The salt is a secret. Never commit it to version control, attach it to a report or share
    it: anyone who has it and a list of case references can tell which case is which
    pseudonym. Back it up with the rest of the analyst's configuration. If it is lost or
    replaced, every salted pseudonym changes (``Case 7K3P`` becomes something else), and
    reports made before can no longer be matched with those made after. Everyone who must see
    the same pseudonyms (say, a team producing one monthly pack) must point
    ``SERVICE_WORKBOOKS_SALT_FILE`` at the same protected copy.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import count
from pathlib import Path

import numpy as np
import pandas as pd

from workbook_helpers.exceptions import ParameterError

__all__ = [
    "pseudonyms",
    "worker_pseudonyms",
    "letters",
    "salt_path",
    "installation_salt",
    "stable_pseudonyms",
    "stable_worker_pseudonyms",
]


def pseudonyms(
    ids: Iterable[object], prefix: str = "Case", order: Sequence[object] | None = None
) -> dict[object, str]:
    """Map each distinct identifier to a numbered pseudonym: ``"Case 01"``, ``"Case 02"``, ...

    Parameters
    ----------
    ids:
        The identifiers, in any iterable (a column, a list); repeats are allowed and blank
        values (None, NaN, NA) are left out of the mapping.
    prefix:
        The word before the number (``"Case"``, ``"Person"``). An empty prefix gives bare
        numbers (``"01"``).
    order:
        Optional sort keys, one for each entry of ``ids`` (for example each event's date, or
        each case's first event date). An identifier takes the smallest key among its entries
        (blank keys are ignored; an identifier whose keys are all blank comes after the others)
        and pseudonyms are numbered in the order of that key. Identifiers with equal keys keep
        their order of first appearance. Without ``order``, numbering follows first appearance.

    Returns
    -------
    dict
        ``{identifier: pseudonym}`` in numbering order. Numbers are zero-padded to the width of
        the count of identifiers, and to at least two digits: 9 cases are ``Case 01`` to
        ``Case 09``; 120 cases are ``Case 001`` to ``Case 120``. Keys are the identifiers as
        given (not converted to text).

    Raises
    ------
    ParameterError
        When ``order`` is not the same length as ``ids``.

    Deterministic: the same ``ids`` and ``order`` always give the same mapping. Stable within
    one report only (see the module's notes).
    """
    values = _series(ids).reset_index(drop=True)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if order is not None:
        keys = _series(order)
        if len(keys) != len(values):
            raise ParameterError(
                f"pseudonyms: order has {len(keys):,} entries but ids has {len(values):,}; "
                "expected one sort key for each identifier."
            )
        known = codes >= 0
        # Smallest key per identifier; first appearance (the code) breaks ties.
        smallest = (
            pd.Series(keys.to_numpy()[known]).groupby(codes[known], sort=True).min()
            .reindex(range(len(uniques)))
        )
        ranking = pd.DataFrame({"key": smallest.to_numpy(), "first": np.arange(len(uniques))})
        ranking = ranking.sort_values(["key", "first"], na_position="last", kind="stable")
        ordered = [uniques[i] for i in ranking["first"].to_numpy()]
    else:
        ordered = list(uniques)
    width = max(2, len(str(len(ordered))))
    lead = f"{prefix} " if prefix else ""
    return {identifier: f"{lead}{number:0{width}d}" for number, identifier in enumerate(ordered, 1)}


def _series(values: Iterable[object]) -> pd.Series:
    """Any iterable as a Series (columns, indexes and arrays without copying into a list)."""
    if isinstance(values, (pd.Series, pd.Index, np.ndarray)):
        return pd.Series(values)
    return pd.Series(list(values))


def letters(number: int) -> str:
    """The spreadsheet-column letters of a positive number: 1 -> A, 26 -> Z, 27 -> AA, 28 -> AB."""
    if number < 1:
        raise ParameterError(f"letters: expected a number of 1 or more, got {number}.")
    text = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        text = chr(ord("A") + remainder) + text
    return text


def worker_pseudonyms(workers: Iterable[object], prefix: str = "Worker") -> dict[object, str]:
    """Map each distinct worker to ``"Worker A"``, ``"Worker B"``, ... in order of first appearance.

    After ``Worker Z`` come ``Worker AA``, ``Worker AB``, ... ``Worker AZ``, ``Worker BA``, as
    spreadsheet columns are lettered. Blank values are left out. Pass the workers in the order
    that should decide the letters (for example the events sorted by date, so that ``Worker A``
    is the first to act). Deterministic and stable within one report only (see the module's
    notes).

    Parameters
    ----------
    workers:
        Worker identifiers or names, repeats allowed (a column, a list).
    prefix:
        The word before the letters; ``"Worker"`` by default.

    Returns
    -------
    dict
        ``{worker: pseudonym}`` in order of first appearance.
    """
    values = _series(workers)
    uniques = pd.unique(values.dropna())
    lead = f"{prefix} " if prefix else ""
    return {worker: f"{lead}{letters(number)}" for number, worker in enumerate(uniques, 1)}


# --------------------------------------------------------------------------------------------
# Salted pseudonyms, stable across reports

SALT_FILE_VARIABLE = "SERVICE_WORKBOOKS_SALT_FILE"

# Codes use characters that cannot be mistaken for one another when read aloud or in any font:
# no 0/O, 1/I/L, and no U (as in Crockford's base 32, to make rude words less likely).
CASE_CODE_CHARACTERS = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
# Worker codes are consonants only (and no L), so they spell no words: "Worker QX".
WORKER_CODE_CHARACTERS = "BCDFGHJKMNPQRSTVWXZ"

_SALT_BYTES = 32
_KEEP_IT = (
    "Every salted pseudonym depends on this file: restore it from a backup rather than "
    "deleting it (a new salt changes every pseudonym, so earlier reports no longer match)."
)


def salt_path() -> Path:
    """Where this installation's pseudonym salt is kept (see the module's notes).

    ``SERVICE_WORKBOOKS_SALT_FILE`` when set (``~`` is expanded; the path must be absolute, so
    that every run finds the same file whatever folder it runs in); else
    ``$XDG_CONFIG_HOME/service-workbooks/salt`` when ``XDG_CONFIG_HOME`` is an absolute path;
    else ``~/.config/service-workbooks/salt``.

    Raises
    ------
    ParameterError
        When ``SERVICE_WORKBOOKS_SALT_FILE`` is a relative path.
    """
    named = os.environ.get(SALT_FILE_VARIABLE, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_absolute():
            raise ParameterError(
                f"{SALT_FILE_VARIABLE} is {named!r}, a relative path, so runs in different folders "
                "would use different salts (and give different pseudonyms); expected an absolute "
                "path, such as /home/me/.config/service-workbooks/salt."
            )
        return path
    config = os.environ.get("XDG_CONFIG_HOME", "").strip()
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return base / "service-workbooks" / "salt"


def installation_salt(create: bool = True) -> bytes:
    """This installation's secret salt (32 bytes), read from :func:`salt_path`.

    On first use (no file yet, and ``create``) a new salt is made with
    :func:`secrets.token_bytes` and written atomically, readable by its owner only (0600, in
    a folder made 0700), so two runs starting at once end up with the same salt. The file is
    read afresh on each call.

    Raises
    ------
    ParameterError
        When the file cannot be read, is empty, or does not hold a salt (64 hexadecimal
        characters), or does not exist and ``create`` is False. The message names the file.
    """
    path = salt_path()
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise ParameterError(
                f"There is no pseudonym salt at {path}. It is made on first use; if this "
                f"installation had one, restore it there (or set {SALT_FILE_VARIABLE} to where it is)."
            ) from None
        return _create_salt(path)
    except OSError as error:
        raise ParameterError(
            f"The pseudonym salt {path} cannot be read ({error.strerror or error}). Check that it "
            f"is a file and that this user may read it. {_KEEP_IT}"
        ) from None
    return _parse_salt(path, content)


def _parse_salt(path: Path, content: bytes) -> bytes:
    text = content.strip()
    if not text:
        raise ParameterError(f"The pseudonym salt {path} is empty. {_KEEP_IT}")
    try:
        salt = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        salt = b""
    if len(salt) != _SALT_BYTES:
        raise ParameterError(
            f"The pseudonym salt {path} is damaged: expected {2 * _SALT_BYTES} hexadecimal "
            f"characters (0-9, a-f), found {len(content):,} bytes of something else. {_KEEP_IT}"
        )
    return salt


def _create_salt(path: Path) -> bytes:
    folder = path.parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask; only a folder we made
    except FileExistsError:
        pass
    salt = secrets.token_bytes(_SALT_BYTES)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".salt-", suffix=".tmp")  # 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(salt.hex() + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        try:
            # A hard link appears complete or not at all, and never replaces a salt another
            # run wrote a moment ago (os.replace would, leaving two runs with different salts).
            os.link(temporary, path)
        except FileExistsError:
            return installation_salt(create=False)
        except OSError:  # a file system without hard links: create exclusively instead
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return installation_salt(create=False)
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(salt.hex() + "\n")
    finally:
        os.unlink(temporary)
    return salt


def stable_pseudonyms(
    ids: Iterable[object],
    prefix: str = "Case",
    salt: bytes | None = None,
    kind: str | None = None,
    *,
    length: int = 4,
) -> dict[object, str]:
    """Map each distinct identifier to a salted pseudonym that is the same in every report.

    ``Case 7K3P``: the prefix and a code of ``length`` characters from
    :data:`CASE_CODE_CHARACTERS` (digits 2-9 and capital letters, without the look-alikes 0, O,
    1, I, L, nor U). The code is taken from HMAC-SHA256 of ``kind + "\\0" + identifier`` keyed
    with the salt, so it is the same for the same identifier in every call and every report
    made with the same salt, and cannot be traced back to the identifier without the salt.

    Parameters
    ----------
    ids:
        The identifiers (case, person, item, action or contact references), in any iterable;
        repeats are allowed, and blank values (None, NaN, NA, empty text) are left out.
        Identifiers are compared as text, exactly as written (``1002``, ``1002.0`` and
        ``"1002"`` are the same case; ``"K-7"`` and ``"k-7"`` are not).
    prefix:
        The word before the code (``"Case"``, ``"Person"``, ``"Item"``); an empty prefix gives
        the bare code.
    salt:
        The secret key; this installation's salt (:func:`installation_salt`, created on first
        use) when None. Tests pass their own.
    kind:
        What the identifiers are; ``prefix`` when None. Different kinds give unrelated codes,
        so case 17 and person 17 do not share a code. Keep it the same from report to report
        (pass it explicitly if you change the prefix).
    length:
        The shortest code (4 gives 810,000 codes).

    Returns
    -------
    dict
        ``{identifier: pseudonym}`` in order of first appearance; keys are the identifiers as
        given.

    Collisions: when two identifiers in the call would get the same code, both (all of them,
    if more) get codes one character longer (``Case 7K3PA``, ``Case 7K3PQ``; the longer code
    starts with the shorter), and so on until each code is different. Only those identifiers'
    pseudonyms change; which ones collide depends only on the set of identifiers, never on
    their order. With 100 cases a collision happens about once in 160 reports. A code is
    never the identifier itself, nor starts with it (so case ``2345`` is never
    ``Case 2345``), nor with the initials of a name.
    """
    return _salted(ids, prefix, salt, kind, length, CASE_CODE_CHARACTERS, "stable_pseudonyms")


def stable_worker_pseudonyms(
    workers: Iterable[object],
    prefix: str = "Worker",
    salt: bytes | None = None,
    kind: str | None = None,
    *,
    length: int = 2,
) -> dict[object, str]:
    """Map each distinct worker (or owner) to a salted pseudonym such as ``"Worker QX"``.

    As :func:`stable_pseudonyms`, with codes of ``length`` letters (2 by default, so 361
    codes) from :data:`WORKER_CODE_CHARACTERS`: consonants without L, so no code spells a
    word. A code never starts with the worker's initials (``Jo Smith`` is never
    ``Worker JS``), so it cannot be mistaken for them. Workers whose two letters collide get
    three (``Worker QXB``), and so on. Use ``prefix="Owner"`` (and so ``kind="Owner"``) for owners.
    """
    return _salted(
        workers, prefix, salt, kind, length, WORKER_CODE_CHARACTERS, "stable_worker_pseudonyms"
    )


def _salted(
    ids: Iterable[object], prefix: str, salt: bytes | None, kind: str | None, length: int,
    alphabet: str, function: str,
) -> dict[object, str]:
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ParameterError(f"{function}: length must be a whole number of 1 or more; got {length!r}.")
    if salt is None:
        salt = installation_salt()
    if not isinstance(salt, (bytes, bytearray)) or not salt:
        raise ParameterError(
            f"{function}: salt must be non-empty bytes (or None for this installation's salt); "
            f"got {type(salt).__name__}."
        )
    kind = prefix if kind is None else str(kind)
    keys: dict[object, str] = {}  # identifier as given -> its text
    for value in _series(ids):
        if _blank(value) or value in keys:
            continue
        keys[value] = _text(value)
    numbers = {text: _code_number(bytes(salt), kind, text, alphabet) for text in set(keys.values())}
    codes = _distinct_codes(numbers, int(length), alphabet)
    lead = f"{prefix} " if prefix else ""
    return {identifier: f"{lead}{codes[text]}" for identifier, text in keys.items()}


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    """An identifier as text: whole numbers without a decimal point (a column of references with
    a blank in it is read as floats, 1002.0, and must still give case 1002's pseudonym)."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _code_number(salt: bytes, kind: str, text: str, alphabet: str) -> int:
    """The HMAC of one identifier, as a number whose digits (in base ``len(alphabet)``, lowest
    first) are the code's characters. In the rare case where the code would begin with the
    identifier itself (``2345`` -> ``2345...``) or with the initials of a name (``Jo Smith`` ->
    ``JS...``), a counter is added to the message and the next number is taken, so no
    pseudonym shows who it stands for."""
    giveaways = {text.upper(), _initials(text)} - {""}
    for attempt in count():
        message = f"{kind}\0{text}" if attempt == 0 else f"{kind}\0{text}\0{attempt}"
        number = int.from_bytes(hmac.new(salt, message.encode("utf-8"), hashlib.sha256).digest(), "big")
        if all(_code(number, len(giveaway), alphabet) != giveaway for giveaway in giveaways):
            return number
    raise AssertionError("unreachable")


def _initials(text: str) -> str:
    """``"Jo Smith"`` -> ``"JS"``; ``""`` for a single word (its first letter alone is no giveaway)."""
    words = [word for word in text.replace("-", " ").replace(".", " ").split() if word[:1].isalpha()]
    return "".join(word[0].upper() for word in words) if len(words) >= 2 else ""


def _code(number: int, length: int, alphabet: str) -> str:
    base = len(alphabet)
    characters = []
    for _ in range(length):
        number, digit = divmod(number, base)
        characters.append(alphabet[digit])
    return "".join(characters)


def _distinct_codes(numbers: dict[str, int], length: int, alphabet: str) -> dict[str, str]:
    """Codes of ``length`` characters, lengthened one character at a time for exactly those
    identifiers whose code another identifier shares."""
    codes: dict[str, str] = {}
    pending = sorted(numbers)
    # 256 bits give this many characters; two different identifiers sharing them all is an
    # HMAC-SHA256 collision, which no one has ever found.
    longest = int(256 / np.log2(len(alphabet)))
    while pending:
        if length > longest:
            raise AssertionError("pseudonym codes collide in every character")
        trial = {text: _code(numbers[text], length, alphabet) for text in pending}
        seen = Counter(trial.values())
        codes.update({text: code for text, code in trial.items() if seen[code] == 1})
        pending = [text for text in pending if seen[trial[text]] > 1]
        length += 1
    return codes


def salt_id(salt: bytes | None = None) -> str:
    """A short name for the salt that reveals nothing of it (16 hex digits of a SHA-256 of it),
    so a batch can tell when reports were made with another salt and must be made again."""
    salt = installation_salt() if salt is None else salt
    return hashlib.sha256(b"service-workbooks salt id\0" + salt).hexdigest()[:16]
