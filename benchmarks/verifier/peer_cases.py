"""Read (gold, pred, expected) cases out of Math-Verify's test files without running them.

The files are parsed with `ast` and only literals are read: nothing in them is imported
or executed. Two shapes of test are understood:

- a function decorated with `pytest.mark.parametrize` whose argument names include
  `gold`, `pred` and `expected` (or `result`), and whose body calls `compare_strings(...)`
  or `verify(parse(...), parse(...))`; every parametrize row is one case;
- an `assert compare_strings("<gold>", "<pred>", ...) == <0|1>` with literal arguments.

Keyword arguments of those calls that change Math-Verify's verdict rules (`precision`,
`strict`, `allow_set_relation_comp`) are recorded with each case as `options` (empty
at Math-Verify's defaults), whether they come from the row or are fixed in the body.
Everything else in a file (API tests with mocks, tests of the string extractor's output)
is listed as excluded, with the reason.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from pathlib import Path

GOLD_NAMES = ("gold",)
PRED_NAMES = ("pred",)
EXPECTED_NAMES = ("expected", "result")
# Math-Verify's defaults for the options that change a verdict: compare_strings' precision
# is verify's float_rounding; strict and allow_set_relation_comp are verify's own.
OPTION_DEFAULTS = {"precision": 6, "float_rounding": 6, "strict": True, "allow_set_relation_comp": False}
OPTION_NAMES = {"float_rounding": "precision"}
CALLERS = ("compare_strings", "verify")
# f-strings in a parametrize list may format these functions of literal numbers (and only these).
_SAFE_MATH = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "pi": math.pi, "e": math.e}


@dataclass(frozen=True)
class Case:
    """One (gold, pred, expected) case of the peer's suite, with where it came from."""

    file: str
    function: str
    line: int
    gold: str
    pred: str
    expected: bool
    options: str = ""
    match_types: str = ""
    caller: str = "compare_strings"


@dataclass(frozen=True)
class Excluded:
    """A test function (or row) that is not a (gold, pred, expected) case, and why."""

    file: str
    function: str
    line: int
    why: str


class NotLiteral(ValueError):
    """A value that cannot be read without running the test file's code."""


def literal(node: ast.AST) -> object:
    """A Python literal, or an f-string that formats a whitelisted math function of literal numbers."""
    if isinstance(node, ast.JoinedStr):
        return "".join(_fstring_part(part) for part in node.values)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as error:
        raise NotLiteral(f"not a literal ({type(node).__name__})") from error


def _fstring_part(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.FormattedValue) and node.conversion == -1:
        spec = "".join(_fstring_part(p) for p in node.format_spec.values) if node.format_spec else ""
        return format(_math_value(node.value), spec)
    raise NotLiteral("f-string with a part other than text or a math function of a number")


def _math_value(node: ast.AST) -> float:
    """`math.sqrt(17)`, `math.pi` and the like: the only computed values read from a test file."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "math":
        value = _SAFE_MATH.get(node.attr)
        if isinstance(value, float):
            return value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "math" and callable(_SAFE_MATH.get(node.func.attr)) and len(node.args) == 1
            and not node.keywords):
        try:
            argument = ast.literal_eval(node.args[0])
            if isinstance(argument, (int, float)) and not isinstance(argument, bool) and abs(argument) < 1e6:
                return _SAFE_MATH[node.func.attr](argument)  # type: ignore[operator]
        except (ValueError, TypeError, SyntaxError, ArithmeticError) as error:
            raise NotLiteral(f"f-string formats math.{node.func.attr} of something other than a number") from error
    raise NotLiteral("f-string formats something other than a math function of a literal number")


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _verdict_call(function: ast.FunctionDef) -> ast.Call | None:
    """The `compare_strings(...)` or `verify(...)` call that the test asserts on."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _callee(node) in CALLERS:
            return node
    return None


def _arg_names(node: ast.AST) -> list[str]:
    value = literal(node)
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value]
    raise NotLiteral("parametrize argument names are not a string or a list of strings")


def _options(call: ast.Call, row: dict[str, object]) -> tuple[str, str]:
    """(options that differ from Math-Verify's defaults, match_types) for one row of a test."""
    options = []
    match_types = ""
    for keyword in call.keywords:
        if keyword.arg is None:
            continue
        if isinstance(keyword.value, ast.Name) and keyword.value.id in row:
            value = row[keyword.value.id]
        else:
            try:
                value = literal(keyword.value)
            except NotLiteral:
                continue
        if keyword.arg == "match_types":
            match_types = ",".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
        elif keyword.arg in OPTION_DEFAULTS and value != OPTION_DEFAULTS[keyword.arg]:
            options.append(f"{OPTION_NAMES.get(keyword.arg, keyword.arg)}={value}")
    return ";".join(sorted(options)), match_types


def _expected(value: object) -> bool:
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise NotLiteral(f"expected value {value!r} is not 0/1/True/False")


def _parametrize(decorator: ast.expr) -> ast.Call | None:
    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr == "parametrize":
        return decorator
    return None


def _from_parametrized(file: str, function: ast.FunctionDef, decorator: ast.Call) -> tuple[list[Case], list[Excluded]]:
    cases: list[Case] = []
    excluded: list[Excluded] = []
    if len(decorator.args) < 2:
        return [], [Excluded(file, function.name, function.lineno, "parametrize without a literal list of rows")]
    try:
        names = _arg_names(decorator.args[0])
    except NotLiteral as error:
        return [], [Excluded(file, function.name, function.lineno, str(error))]
    expected_name = next((n for n in EXPECTED_NAMES if n in names), None)
    if not ({"gold", "pred"} <= set(names) and expected_name):
        return [], [Excluded(file, function.name, function.lineno,
                             f"parameters ({', '.join(names)}) are not a (gold, pred, expected) case")]
    call = _verdict_call(function)
    if call is None:
        return [], [Excluded(file, function.name, function.lineno, "does not call compare_strings or verify")]
    rows = decorator.args[1]
    if not isinstance(rows, (ast.List, ast.Tuple)):
        return [], [Excluded(file, function.name, function.lineno, "parametrize rows are not a literal list")]
    for element in rows.elts:
        try:
            values = element.elts if isinstance(element, (ast.Tuple, ast.List)) else None
            if values is None or len(values) != len(names):
                raise NotLiteral(f"row is not a tuple of {len(names)} values")
            row = {name: literal(value) for name, value in zip(names, values)}
            gold, pred = row["gold"], row["pred"]
            if not (isinstance(gold, str) and isinstance(pred, str)):
                raise NotLiteral("gold or pred is not a string")
            options, match_types = _options(call, row)
            cases.append(Case(file, function.name, element.lineno, gold, pred, _expected(row[expected_name]), options,
                              match_types, _callee(call) or ""))
        except NotLiteral as error:
            excluded.append(Excluded(file, function.name, element.lineno, f"row skipped: {error}"))
    return cases, excluded


def _from_literal_calls(file: str, function: ast.FunctionDef) -> list[Case]:
    """`assert compare_strings("<gold>", "<pred>", ...) == 0|1` with literal arguments."""
    cases = []
    for node in ast.walk(function):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
            continue
        call, other = node.left, node.comparators[0]
        if not (isinstance(call, ast.Call) and _callee(call) == "compare_strings" and len(call.args) >= 2):
            continue
        try:
            gold, pred, expected = literal(call.args[0]), literal(call.args[1]), _expected(literal(other))
        except NotLiteral:
            continue
        if isinstance(gold, str) and isinstance(pred, str):
            options, match_types = _options(call, {})
            cases.append(Case(file, function.name, node.lineno, gold, pred, expected, options, match_types))
    return cases


def cases_in_file(path: Path, name: str | None = None) -> tuple[list[Case], list[Excluded]]:
    """Every (gold, pred, expected) case in one test file, and what was left out of it and why."""
    file = name or path.name
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError) as error:
        return [], [Excluded(file, "-", 0, f"file not readable as Python: {error}")]
    cases: list[Case] = []
    excluded: list[Excluded] = []
    for function in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")):
        decorators = [d for d in (_parametrize(x) for x in function.decorator_list) if d is not None]
        if decorators:
            for decorator in decorators:
                found, left_out = _from_parametrized(file, function, decorator)
                cases += found
                excluded += left_out
            continue
        found = _from_literal_calls(file, function)
        if found:
            cases += found
        else:
            excluded.append(Excluded(file, function.name, function.lineno,
                                     "no literal (gold, pred, expected) case: tests the API (mocks, configs, raw sympy objects)"))
    return cases, excluded


def collect(source: Path) -> tuple[list[Case], list[Excluded]]:
    """All cases under `source/tests/test_*.py` of a Math-Verify checkout, in file order."""
    tests = source / "tests"
    if not tests.is_dir():
        raise FileNotFoundError(f"{source} has no tests/ folder: is it a Math-Verify source checkout?")
    cases: list[Case] = []
    excluded: list[Excluded] = []
    for path in sorted(tests.glob("test_*.py")):
        found, left_out = cases_in_file(path)
        cases += found
        excluded += left_out
    return cases, excluded
