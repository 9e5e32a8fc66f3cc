"""The Jinja sandbox documents are rendered in: filters, limits and errors placed on a template line."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.documents.budget import (
    MAX_DOCUMENT_CHARS,
    TextTooLarge,
    _bounded_concat,
    _bounded_filter,
    _bounded_markup_join,
    _bounded_method,
    _bounded_str_join,
    _charge,
    _check_binop,
    _spec_widths,
    text_size,
)
from sap_cli.documents.markdown import MarkdownText, escape_markdown, markdown_cell, markdown_line
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


_GANTT_KEYWORDS = re.compile(
    r"^(?:gantt|section|title|click|call|excludes|includes|weekday|weekend|dateformat|axisformat|"
    r"tickinterval|todaymarker|inclusiveenddates|topaxis|displaymode|acctitle|accdescr)\b",
    re.IGNORECASE,
)


def _gantt_text(value: object) -> MarkdownText:
    """A Mermaid gantt task name on one line, free of the characters and words its syntax claims
    (and of backticks, which could close the code block it stands in)."""
    text = re.sub(r"[:;#%`\s]+", " ", str(value)).strip() or "untitled"
    return MarkdownText(f"- {text}" if _GANTT_KEYWORDS.match(text) else text)


def _gantt_title(value: object) -> MarkdownText:
    return MarkdownText(re.sub(r"[;#%`\s]+", " ", str(value)).strip() or "Timeline")


def _gantt_ticks(start: object, end: object) -> MarkdownText:
    """A Mermaid gantt tickInterval whose labels do not overlap: weekly up to four months, else monthly."""
    first, last = (d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in (start, end))
    return MarkdownText("1week" if (last - first).days <= 122 else "1month")


def _number(value: float | int) -> MarkdownText:
    return MarkdownText(str(int(value)) if float(value).is_integer() else str(value))


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
        """Every `{{ }}` goes through here: measured, and escaped unless it is Markdown already."""
        _charge(env, text_size(value))
        return escape_markdown(value)

    class LimitedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})
        template_class = BoundedTemplate

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, finalize=bounded_output, **kwargs)
            # What a template writes itself (a macro, a `{% set %}` block) is its own Markdown.
            self.concat = lambda pieces: MarkdownText(_bounded_concat(pieces))  # type: ignore[method-assign]
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


def make_environment(project_folder: Path | None) -> Environment:
    """Built-in templates, overridden by same-named files in <project>/templates/, always sandboxed.

    The sandbox matters because a partnership folder may be cloned from someone else: its
    templates must not be able to reach Python objects, run code or read files.
    """
    from jinja2 import ChoiceLoader, StrictUndefined

    from sap_cli.documents.template_cache import template_cache

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
        bytecode_cache=template_cache(),
    )
    # Every value printed is escaped as Markdown text (see bounded_output); these say what else
    # it is: a table cell, one line, a Mermaid name, or (`md`) Markdown the template means.
    env.filters["cell"] = markdown_cell
    env.filters["gantt"] = _gantt_text
    env.filters["gantt_title"] = _gantt_title
    env.filters["gantt_ticks"] = _gantt_ticks
    env.filters["oneline"] = markdown_line
    env.filters["md"] = MarkdownText
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
