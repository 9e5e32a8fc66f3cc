"""The Jinja sandbox documents are rendered in: filters, limits and errors placed on a template line."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.errors import TemplateFailed
from sap_cli.files.paths import read_refusal
from sap_cli.resources import templates_root
from sap_cli.words import display_path

if TYPE_CHECKING:
    from jinja2 import Environment


def _contained_loader(folder: Path, root_folder: Path | None = None) -> Any:
    """A FileSystemLoader that also refuses files reached through links pointing outside `root_folder`
    (the partnership, or `folder` itself when not given)."""
    from jinja2 import FileSystemLoader, TemplateNotFound

    root = os.path.realpath(root_folder or folder)

    class ContainedLoader(FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            _refuse_large_template(folder, template)
            source, filename, uptodate = super().get_source(environment, template)
            if os.path.commonpath([root, os.path.realpath(filename)]) != root:
                raise TemplateNotFound(template)
            return source, filename, uptodate

    return ContainedLoader(str(folder))


TEMPLATE_SIZE_LIMIT = 1024 * 1024  # the built-in templates are a few kilobytes each


def _refuse_large_template(folder: Path, template: str) -> None:
    """Say so before reading a template larger than TEMPLATE_SIZE_LIMIT (a size, not a read)."""
    from jinja2.loaders import split_template_path

    try:
        path = folder.joinpath(*split_template_path(template))
        size = path.stat().st_size if path.is_file() else 0
    except (OSError, ValueError):
        return  # not found here: the loader says so, or the next one finds it
    if size > TEMPLATE_SIZE_LIMIT:
        raise TemplateFailed(
            display_path(path),
            1,
            f"this template is larger than {TEMPLATE_SIZE_LIMIT // (1024 * 1024)} MB, the most sap reads "
            "in one template, so nothing was rendered",
            "The built-in templates are a few kilobytes; cut this one down, or delete it to use the "
            "built-in one.",
        )


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks to split the row."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


_GANTT_KEYWORDS = re.compile(
    r"^(?:gantt|section|title|click|call|excludes|includes|weekday|weekend|dateformat|axisformat|"
    r"tickinterval|todaymarker|inclusiveenddates|topaxis|displaymode|acctitle|accdescr)\b",
    re.IGNORECASE,
)


def _gantt_text(value: object) -> str:
    """A Mermaid gantt task name on one line, free of the characters and words its syntax claims."""
    text = re.sub(r"[:;#%\s]+", " ", str(value)).strip() or "untitled"
    return f"- {text}" if _GANTT_KEYWORDS.match(text) else text


def _gantt_title(value: object) -> str:
    return re.sub(r"[;#%\s]+", " ", str(value)).strip() or "Timeline"


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


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


@functools.cache
def _limited_sandbox() -> Any:
    """Jinja's immutable sandbox, with every way of building text or lists measured before it runs.

    A 30-byte template such as `{{ "x"|center(10**9) }}` would otherwise ask for gigabytes before
    the output-size check: filters, text methods, `%`, `~`, `+`, `*` and `**` are each estimated
    first, and everything a render builds counts towards one budget (RENDER_BUDGET characters).
    """
    from jinja2 import Template, pass_environment
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter

    class BoundedFormatter(SandboxedFormatter):
        """`"{:>999999999}".format(1)` is measured field by field, before each is built."""

        def format_field(self, value: Any, format_spec: str) -> Any:
            _charge(self._env, _spec_widths(format_spec) + text_size(value))
            return super().format_field(value, format_spec)

    class BoundedTemplate(Template):
        @classmethod
        def _from_namespace(cls, environment: Any, namespace: Any, globals: Any) -> Any:
            # The compiled template looks these up when it runs: `~` is measured too.
            namespace["str_join"] = _bounded_str_join
            namespace["markup_join"] = _bounded_markup_join
            return super()._from_namespace(environment, namespace, globals)

    @pass_environment
    def bounded_output(env: Any, value: Any) -> Any:
        _charge(env, text_size(value))
        return value

    class LimitedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})
        template_class = BoundedTemplate

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, finalize=bounded_output, **kwargs)
            self.concat = _bounded_concat  # type: ignore[method-assign]
            self.built_chars = 0
            # lipsum() makes up to gigabytes of Latin on request; no document needs it.
            self.globals.pop("lipsum", None)

        def bound_filters(self) -> None:
            """Measure every filter's result before it runs (call once the filters are all set)."""
            for name, function in list(self.filters.items()):
                self.filters[name] = _bounded_filter(self, name, function)

        def wrap_str_format(self, value: Any) -> Any:
            """Jinja's hook on every attribute read: text methods that can grow are measured."""
            owner = getattr(value, "__self__", None)
            method = getattr(value, "__name__", "")
            if isinstance(owner, str) and method in ("format", "format_map"):
                return self._bounded_format(owner, method == "format_map", value)
            return _bounded_method(self, value) or super().wrap_str_format(value)

        def _bounded_format(self, text: str, is_map: bool, value: Any) -> Any:
            formatter = BoundedFormatter(self)

            @functools.wraps(value)
            def bounded(*args: Any, **kwargs: Any) -> str:
                if not is_map:
                    return formatter.vformat(text, args, kwargs)
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return formatter.vformat(text, (), args[0])

            return bounded

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _check_binop(self, operator, left, right)
            return super().call_binop(context, operator, left, right)

    return LimitedSandbox


RENDER_BUDGET = 20_000_000  # characters built in all while rendering one document (ten times its limit)


INTEGER_BITS = 10_000  # about 3,000 digits: far beyond any count or date


def make_environment(project_folder: Path | None) -> Environment:
    """Built-in templates, overridden by same-named files in <project>/templates/, always sandboxed.

    The sandbox matters because a partnership folder may be cloned from someone else: its
    templates must not be able to reach Python objects, run code or read files.
    """
    from jinja2 import ChoiceLoader, StrictUndefined

    loaders = []
    if project_folder is not None:
        refused = read_refusal(project_folder, "templates")
        if refused is not None:
            raise TemplateFailed("templates", None, refused.message, refused.hint)
        if (project_folder / "templates").is_dir():
            loaders.append(_contained_loader(project_folder / "templates", project_folder))
    loaders.append(_contained_loader(Path(str(templates_root()))))
    env: Environment = _limited_sandbox()(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["cell"] = _cell
    env.filters["gantt"] = _gantt_text
    env.filters["gantt_title"] = _gantt_title
    env.filters["oneline"] = _one_line
    env.filters["number"] = _number
    env.bound_filters()  # type: ignore[attr-defined]
    return env


def _where(exc: BaseException, template: str) -> tuple[str, int | None]:
    """The template file and line where rendering stopped, from Jinja's rewritten traceback."""

    filename, line = template, getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        code_file = tb.tb_frame.f_code.co_filename
        if not code_file.endswith(".py") and not code_file.startswith("<"):
            filename, line = display_path(Path(code_file)), tb.tb_lineno
        tb = tb.tb_next
    return filename, line


class RenderTimeout(Exception):
    """Raised by the alarm when templates take longer than RENDER_SECONDS."""


RENDER_SECONDS = 20


MAX_DOCUMENT_CHARS = 2_000_000


@contextlib.contextmanager
def time_limit(seconds: int | None = None) -> Iterator[None]:
    """Stop a template that loops for ever (where the platform has alarms; the main thread only)."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_template(env: Environment, name: str, context: dict[str, Any]) -> str:
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    fix = "Fix the template, or delete it to use the built-in one."
    env.built_chars = 0  # type: ignore[attr-defined]  # the budget is per document
    try:
        text = env.get_template(name).render(context)
    except TemplateFailed:
        raise
    except TextTooLarge as exc:
        raise TemplateFailed(
            *_where(exc, name),
            f"refused: {exc}",
            "A document is at most a few hundred pages; a template asking for more was probably made "
            "to exhaust the computer's memory. Fix the template, or delete it to use the built-in one.",
        ) from exc
    except TemplateNotFound as exc:
        raise TemplateFailed(name, None, f"template '{exc.name}' was not found", fix) from exc
    except SecurityError as exc:
        raise TemplateFailed(
            *_where(exc, name),
            f"refused: {exc}",
            "Templates may only show the partnership's data; this one tries to reach Python itself.",
        ) from exc
    except UndefinedError as exc:
        raise TemplateFailed(
            *_where(exc, name),
            f"{exc.message} (a value the template uses is not there)",
            "Check the spelling of the value, or test for it with {% if ... is defined %}.",
        ) from exc
    except TemplateSyntaxError as exc:
        shown = display_path(Path(exc.filename)) if exc.filename else (exc.name or name)
        raise TemplateFailed(shown, exc.lineno, exc.message or "syntax error", fix) from exc
    except UnicodeDecodeError as exc:
        raise TemplateFailed(name, None, "the template is not UTF-8 text", "Save it as UTF-8.") from exc
    except RenderTimeout as exc:
        raise TemplateFailed(
            *_where(exc, name), f"took longer than {RENDER_SECONDS} seconds, so it was stopped", fix
        ) from exc
    except TemplateError as exc:
        raise TemplateFailed(*_where(exc, name), str(exc), fix) from exc
    except Exception as exc:  # a project template can fail in any way Python can
        raise TemplateFailed(*_where(exc, name), f"{type(exc).__name__}: {exc}", fix) from exc
    if len(text) > MAX_DOCUMENT_CHARS:
        raise TemplateFailed(
            name, None, f"made a document of more than {MAX_DOCUMENT_CHARS:,} characters", fix
        )
    return text
