"""How much text a template may build: sizes estimated before a filter, method or operator runs."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


class TextTooLarge(Exception):
    """Raised before a template builds text or a list larger than a document may hold."""


def _too_large(size: int, what: str = "text") -> None:
    if size > MAX_DOCUMENT_CHARS:
        raise TextTooLarge(f"this would build {what} of more than {MAX_DOCUMENT_CHARS:,} characters")


def text_size(value: Any, limit: int | None = None) -> int:
    """How many characters `str(value)` would have, counted without building it (at most limit + 1).

    Lists and mappings that share their parts (a list of a list of a list...) are measured part by
    part, so a template cannot build a small value whose text is enormous.
    """
    if isinstance(value, str):  # the common case, kept quick
        return len(value)
    from jinja2.utils import Namespace

    limit = MAX_DOCUMENT_CHARS if limit is None else limit
    measured: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        if isinstance(item, (str, bytes)):
            return len(item) + 3
        if isinstance(item, bool) or item is None:
            return 5
        if isinstance(item, int):
            return item.bit_length() * 31 // 100 + 2
        if isinstance(item, float):
            return 24
        if isinstance(item, Namespace):
            item = item._Namespace__attrs
        if not isinstance(item, (list, tuple, dict, set, frozenset)):
            return 16  # sap's own records: their text is bounded by the files they came from
        if depth > NESTING_LIMIT:
            return limit + 1
        known = measured.get(id(item))
        if known is not None:
            return known
        total = 2
        parts = [p for pair in item.items() for p in pair] if isinstance(item, dict) else item
        for part in parts:
            total += size(part, depth + 1) + 2
            if total > limit:
                break
        measured[id(item)] = total
        return total

    return min(size(value, 0), limit + 1)


NESTING_LIMIT = 100


_SPEC_NUMBER = re.compile(r"\d+")


def _spec_widths(spec: str) -> int:
    """The widths and precisions in a format spec or a %-format string (`>999999999`, `%0999d`)."""
    return sum(int(n) if len(n) <= 9 else MAX_DOCUMENT_CHARS + 1 for n in _SPEC_NUMBER.findall(spec))


def _percent_size(template: Any, values: Any) -> int:
    """The size of `template % values`, estimated before Python builds it."""
    items = values if isinstance(values, tuple) else (values,)
    if isinstance(values, dict):
        items = tuple(values.values())
    size = len(template) + _spec_widths(str(template)) + sum(text_size(v) for v in items)
    if "*" in str(template):  # `%*d`: the width comes from the values
        size += sum(v for v in items if isinstance(v, int) and not isinstance(v, bool) and v > 0)
    return size


def _replace_size(text: Any, old: Any, new: Any, times: Any = -1) -> int:
    found = text.count(old) if len(old) else len(text) + 1
    if isinstance(times, int) and times >= 0:
        found = min(found, times)
    return len(text) + found * max(0, len(new) - len(old))


def _width(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _method_size(owner: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """The size of `owner.name(*args)` for the methods of text and bytes that can grow it."""
    bound = list(args) + list(kwargs.values())
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(owner), _width(bound[0]) if bound else 0)
    if name == "expandtabs":
        tabs: int = owner.count("\t" if isinstance(owner, str) else b"\t")
        return len(owner) + tabs * _width(bound[0] if bound else 8)
    if name == "replace" and len(bound) >= 2:
        return _replace_size(owner, bound[0], bound[1], bound[2] if len(bound) > 2 else -1)
    if name == "translate" and bound and isinstance(bound[0], dict):
        return len(owner) * max([1, *(text_size(v) for v in bound[0].values())])
    if name == "to_bytes":
        return _width(bound[0]) if bound else 1
    return sum(text_size(v) for v in bound) + len(owner) * 3  # upper(), hex(), encode()...


_GROWING_METHODS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "translate", "join", "to_bytes"}
)


def _bounded_join(separator: Any, items: Any) -> tuple[Any, int]:
    """The items of a join as a list, and the size of the joined text."""
    listed, size = [], 0
    for item in items:
        size += len(separator) + text_size(item)
        if size > MAX_DOCUMENT_CHARS:
            break  # enough to refuse; the rest is never built
        listed.append(item)
    return listed, size


# Filters whose result can be far larger than what they are given: (index of the first value, estimate).
def _filter_size(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    def arg(index: int, key: str, default: Any) -> Any:
        return args[index] if len(args) > index else kwargs.get(key, default)

    first = args[0] if args else None
    if name == "center":
        return max(text_size(first), _width(arg(1, "width", 80)))
    if name == "indent":
        width = arg(1, "width", 4)
        step = _width(width) if isinstance(width, int) else text_size(width)
        return text_size(first) + step * (str(first).count("\n") + 1 if isinstance(first, str) else 1)
    if name == "wordwrap":
        size = text_size(first)
        return size + len(arg(3, "wrapstring", None) or "\n") * (
            size // max(1, _width(arg(1, "width", 79))) + 1
        )
    if name == "format":
        return _percent_size(str(first), kwargs or args[1:])
    if name == "replace" and isinstance(first, str):
        return _replace_size(first, str(arg(1, "old", "")), str(arg(2, "new", "")), arg(3, "count", -1))
    if name == "slice":
        return _width(arg(1, "slices", 1)) + text_size(first)
    if name == "batch":
        return _width(arg(1, "linecount", 1)) * (arg(2, "fill_with", None) is not None) + text_size(first)
    if name == "sum":
        return (
            sum(len(v) for v in first if isinstance(v, (str, list, tuple)))
            if isinstance(first, (list, tuple))
            else 0
        )
    return text_size(first) + sum(text_size(v) for v in (*args[1:], *kwargs.values()))


def _charge(env: Any, size: int) -> None:
    """Count `size` characters a render is about to build; refuse before building too many."""
    _too_large(size)
    env.built_chars += size
    if env.built_chars > RENDER_BUDGET:
        raise TextTooLarge(f"this builds more than {RENDER_BUDGET:,} characters of text in all")


def _bounded_concat(pieces: Any) -> str:
    """Jinja's `concat` (a document, a macro, a block), stopped once it holds too much."""
    listed, total = [], 0
    for piece in pieces:
        total += len(piece)
        _too_large(total)
        listed.append(piece)
    return "".join(listed)


def _bounded_str_join(items: Any) -> str:  # `a ~ b`
    from jinja2.runtime import str_join

    listed, size = _bounded_join("", items)
    _too_large(size)
    return str_join(listed)


def _bounded_markup_join(items: Any) -> str:
    from jinja2.runtime import markup_join

    listed, size = _bounded_join("", items)
    _too_large(size)
    return str(markup_join(listed))


def _check_binop(env: Any, operator: str, left: Any, right: Any) -> None:
    """Measure `left operator right` before Python computes it."""
    from jinja2.exceptions import SecurityError

    sized = (str, bytes, list, tuple)
    large_number = SecurityError("a number that large is not allowed in a template")
    if operator == "**" and isinstance(right, (int, float)):
        if abs(right) > 64:
            raise SecurityError("a power larger than 64 is not allowed in a template")
        if isinstance(left, int) and left.bit_length() * abs(right) > INTEGER_BITS:
            raise large_number
    elif operator == "*":
        for value, times in ((left, right), (right, left)):
            if isinstance(value, sized) and isinstance(times, int):
                if len(value) * times > MAX_DOCUMENT_CHARS:
                    raise SecurityError("repeating text or a list that many times is not allowed")
                _charge(env, len(value) * max(times, 0))
        both_numbers = isinstance(left, int) and isinstance(right, int)
        if both_numbers and left.bit_length() + right.bit_length() > INTEGER_BITS:
            raise large_number
    elif operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        _charge(env, len(left) + len(right))
    elif operator == "%" and isinstance(left, (str, bytes)):
        _charge(env, _percent_size(left, right))


def _bounded_method(env: Any, value: Any) -> Any:
    """A text method such as `"x".center(10**9)` measured before it runs, or None if it cannot grow."""
    owner = getattr(value, "__self__", None)
    method = getattr(value, "__name__", "")
    if not isinstance(owner, (str, bytes, int)) or method not in _GROWING_METHODS:
        return None

    @functools.wraps(value)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if method == "join":
            listed, size = _bounded_join(owner, args[0] if args else ())
            _charge(env, size)
            return value(listed)
        _charge(env, _method_size(owner, method, args, kwargs))
        return value(*args, **kwargs)

    return bounded


def _bounded_filter(env: Any, name: str, function: Any) -> Any:
    """A filter whose result is measured, from what it is given, before it runs."""
    from jinja2.utils import _PassArg

    passes = _PassArg.from_obj(function) is not None  # the context or environment comes first

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        given = args[1:] if passes else args
        if name == "join" and given:
            separator = str(kwargs.get("d", given[1] if len(given) > 1 else ""))
            listed, size = _bounded_join(separator, given[0])
            _charge(env, size)
            args = (*args[: len(args) - len(given)], listed, *given[1:])
        else:
            _charge(env, _filter_size(name, given, kwargs))
        return function(*args, **kwargs)

    return bounded


RENDER_BUDGET = 20_000_000  # characters built in all while rendering one document (ten times its limit)


INTEGER_BITS = 10_000  # about 3,000 digits: far beyond any count or date


MAX_DOCUMENT_CHARS = 2_000_000
