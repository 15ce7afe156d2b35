"""Hostile inputs: every check returns a Verdict within its bound, and no regex backtracks.

The corpus is built here from the shapes that have broken verifiers: functions of huge
arguments, tiny terms next to large ones, deep nesting, long runs of one character,
big numbers, unusual unicode and many alternatives. Each pair goes through `check` with
`timeout=2` and must come back within 2 s + `SLACK`, as a Verdict, without raising. The
regex test times the string stages alone on inputs at their length caps.
"""

from __future__ import annotations

import random
import re
import time
from fractions import Fraction

import pytest

from rlvr.verify import Verdict, check, warm_up
from rlvr.verify.answer import parse
from rlvr.verify.extract import find_answer
from rlvr.verify.normalize import _UNIT_TAIL, normalize
from rlvr.verify.screen import screen_answer, screen_response

TIMEOUT = 2.0
SLACK = 0.5  # thread wake-up and killing a worker on a loaded 2-core machine
ANSWER_CAP = 1500  # longer boxed answers are refused before normalising (screen.MAX_ANSWER_CHARS)

HUGE_ARGUMENTS = [
    "\\sin(10^{10^{6}})", "\\tan(x^{999999})", "\\sin(x^{1000000})", "\\cos(10^{1400})", "\\exp(\\exp(\\exp(\\exp(5))))",
    "e^{10^{40}}", "\\sinh(10^{50})", "\\arctan(10^{10^{5}})", "2^{2^{2^{2^{2^{2}}}}}", "(10^{100})!", "9^{9^{9}}",
    "\\sqrt[999999]{2}", "x^{999999}-\\tan(x^{999998})", "(3000!)^{64}(x+1)^{64}", "\\cos(x^{1000})^{999999}",
    "\\ln(\\ln(\\ln(10^{10^{10}})))", "10^{-10^{6}}+\\sqrt2", "\\frac{1}{\\sin(10^{300})}", "e^{i 10^{500}}",
    # exact polynomial products with wide coefficients: seconds of big-integer work unless bounded
    f"({'9' * 300}x+{'8' * 300})^{{64}}({'8' * 300}y+{'9' * 300})^{{64}}",
    f"({'9' * 150}x+{'8' * 150})^{{64}}({'8' * 150}y+{'9' * 150})^{{64}}+({'9' * 150}z+1)^{{64}}",
]
TINY_TERMS = [
    ("1+\\exp(-1000)", "1"), ("\\frac12+\\exp(-\\exp(\\exp(5)))", "\\frac12"), ("\\sqrt{2}+\\sin(\\exp(-2000))", "\\sqrt{2}"),
    ("\\cos(10^{-300})", "1"), ("\\arctan(10^{100})", "\\frac{\\pi}{2}"), ("\\cosh(1000)", "\\frac{e^{1000}}{2}"),
    ("2^{10^{-500}}", "1"), ("\\sqrt{2}+\\pi^{-100000}", "\\sqrt{2}"), ("\\pi+e^{-e^{e^{e}}}", "\\pi"), ("\\exp(10^{-700})", "1"),
    ("\\sqrt{1+10^{-2000}}", "1"), ("\\tanh(10^{4})", "1"),
    ("\\sin(e^{-e^{7}})", "e^{-e^{7}}"), ("\\tan(e^{-e^{6}})", "e^{-e^{6}}"), ("\\arctan(e^{e^{5}})", "\\frac{\\pi}{2}-e^{-e^{5}}"),
    ("\\cot(e^{-e^{6}})", "e^{e^{6}}"), ("\\arccos(e^{-e^{5}})", "\\frac{\\pi}{2}-e^{-e^{5}}"),
]


def _nested() -> list[tuple[str, str]]:
    return [
        ("\\boxed{5}", "(" * 990 + "5" + ")" * 990),
        ("\\boxed{5}", "{" * 990 + "5" + "}" * 990),
        ("\\boxed{" + "(" * 700 + "5" + ")" * 700 + "}", "5"),
        ("\\boxed{" + "\\frac{" * 120 + "1" + "}{2}" * 120 + "}", "\\frac{1}{2^{120}}"),
        ("\\boxed{" + "\\sqrt{" * 200 + "2" + "}" * 200 + "}", "1"),
        ("\\boxed{" + "x^{" * 300 + "2" + "}" * 300 + "}", "x"),
        ("\\boxed{" + "-" * 1400 + "5}", "5"),
        ("\\boxed{" + "\\sin " * 250 + "x}", "0"),
        ("\\boxed{" + "[" * 500 + "1" + "]" * 500 + "}", "[1]"),
        ("\\boxed{" + "\\left(" * 200 + "1" + "\\right)" * 200 + "}", "1"),
    ]


def _long_runs() -> list[tuple[str, str]]:
    letters = "".join(random.Random(7).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(1400))
    pieces = ["1\\" + "a" * 1400 + "!", "1\\" + letters + "!", "1 " + "a " * 700, "1" + " " * 1400 + "x", "}" * 1400, "1." * 700,
              ". " * 700, "a" * 1400, "1," * 700, "9" * 1400, "\\," * 700, "degrees " * 170, "percent " * 170, "x or " * 280,
              "\\text{a}" * 170, "^{2}" * 280, "1\\text{ " + "m " * 600 + "}", "5" + "\\ " * 700 + "cm", "\\circ" * 280, "$" * 1400]
    pairs = [(f"\\boxed{{{piece}}}", "1") for piece in pieces]
    pairs += [("1", piece) for piece in pieces]  # golds are not screened: they reach every normaliser
    pairs += [(piece * 40, "5") for piece in pieces[:10]]  # whole responses, past the extractor's scan window
    return pairs


def _big_numbers() -> list[tuple[str, object]]:
    return [
        ("\\boxed{5}", 10**5000), ("\\boxed{5}", -(10**1990)), ("\\boxed{5}", Fraction(10**5000, 7)), ("\\boxed{5}", 1e308),
        ("\\boxed{5}", float("inf")), ("\\boxed{5}", float("-inf")), ("\\boxed{5}", 5e-324),
        ("\\boxed{1e99999}", "1"), ("\\boxed{" + "1" * 1400 + "}", "1" * 1400), ("\\boxed{0." + "3" * 1000 + "}", "\\frac13"),
        ("\\boxed{0.\\overline{" + "142857" * 60 + "}}", "\\frac17"), ("\\boxed{10^{10^{10}}}", "10^{10^{10}}"),
        ("\\boxed{" + "9" * 399 + "!}", "1"), ("\\boxed{2^{60000}}", "2^{60000}"), ("\\boxed{\\binom{3000}{1500}}", "1"),
    ]


def _unicode() -> list[tuple[str, str]]:
    return [
        ("\\boxed{①}", "1"), ("\\boxed{x²}", "x^2"), ("\\boxed{\u202e5}", "5"), ("\\boxed{\ud83d}", "5"), ("\\boxed{😀}", "5"),
        ("\\boxed{" + "\u200b" * 1400 + "5}", "5"), ("\\boxed{" + "√" * 700 + "2}", "2"), ("\\boxed{" + "π" * 700 + "}", "\\pi"),
        ("\\boxed{٣}", "3"), ("\\boxed{５}", "5"), ("\\boxed{5\u0301\u0301\u0301}", "5"), ("\\boxed{" + "÷×" * 500 + "}", "1"),
        ("\\boxed{\x00\x01\x02}", "5"), ("\\boxed{" + "\u00bd" * 700 + "}", "\\frac12"),
    ]


def _alternations() -> list[tuple[str, str]]:
    matrix = "\\begin{pmatrix}" + "\\\\".join("&".join(str(i * j) for j in range(30)) for i in range(30)) + "\\end{pmatrix}"
    return [
        ("\\boxed{" + " or ".join(str(i) for i in range(300)) + "}", "5"),
        ("\\boxed{" + "\\pm" * 300 + "1}", "1"),
        ("\\boxed{" + "=".join(f"x_{i}" for i in range(200)) + "}", "x"),
        ("\\boxed{" + "\\cup".join(f"[{i},{i + 1})" for i in range(100)) + "}", "[0,100)"),
        (f"\\boxed{{{matrix}}}", matrix),
        ("\\boxed{\\{" + ",".join(str(i) for i in range(200)) + "\\}}", "\\{" + ",".join(str(i) for i in range(199, -1, -1)) + "\\}"),
        ("\\boxed{" + "(" * 30 + ",".join("1" for _ in range(40)) + ")" * 30 + "}", "(1)"),
        ("\\boxed{" + "+".join(f"x_{{{i}}}^{{{i}}}" for i in range(60)) + "}", "+".join(f"x_{{{i}}}^{{{i}}}" for i in range(59, -1, -1))),
        (" ".join(f"\\boxed{{{i}}}" for i in range(500)), "499"),
        ("\\boxed{1<x<2<x<3<x<" + "<".join("x" for _ in range(200)) + "}", "x"),
    ]


CORPUS: list[tuple[str, object]] = (
    [(f"\\boxed{{{answer}}}", "0") for answer in HUGE_ARGUMENTS]
    + [(f"\\boxed{{{answer}}}", gold) for answer, gold in TINY_TERMS]
    + _nested() + _long_runs() + _big_numbers() + _unicode() + _alternations()
)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()


@pytest.mark.parametrize(("response", "gold"), CORPUS, ids=[f"hostile-{index}" for index in range(len(CORPUS))])
def test_every_hostile_input_gets_a_verdict_within_the_bound(response: str, gold: object) -> None:
    started = time.monotonic()
    verdict = check(response, gold, timeout=TIMEOUT)  # type: ignore[arg-type]
    elapsed = time.monotonic() - started
    assert isinstance(verdict, Verdict)
    assert elapsed < TIMEOUT + SLACK, (elapsed, verdict.reason, verdict.detail)


@pytest.mark.parametrize(("answer", "gold"), TINY_TERMS)
def test_tiny_terms_never_pass(answer: str, gold: str) -> None:
    verdict = check(f"\\boxed{{{answer}}}", gold, timeout=TIMEOUT)
    assert not verdict.correct, verdict


# regexes ---------------------------------------------------------------------------------------
REGEX_LIMIT = 0.25  # seconds for one string stage on one input at its cap; linear scans take milliseconds


def _adversarial_strings(length: int) -> list[str]:
    units = ["a", "ab", " ", ".", "1", "1 ", "{", "}", "{1}", "\\a", "^2", "a1", "} ", ". ", ", ", "\n", "x or ", "\\boxed{", "(",
             "$", "*", "**", "deg", "_{", "1-", "\\,", "\\text{", "answer is ", "=", "<", "\\left(", "1\\,000", "\\circ", "percent "]
    strings = []
    for unit in units:
        body = unit * (length // len(unit))
        strings += [body, "1" + body[: length - 2] + "!", "1" + body[: length - 3] + " x"]
    for first, second in [("a", " "), ("1", "a"), ("}", " "), (".", " "), ("1", " "), ("{", "}"), ("\\", "a")]:
        strings.append((first * (length // 2) + second * (length // 2))[:length])
        strings.append(((first + second) * length)[:length])
    for head in ("the", "my final", "answer", "the answer is", "1 degrees", "5 percent"):  # words that open optional groups
        strings += [head + " " * (length - len(head) - 1) + "x", head + "\n" * (length - len(head))]
    return strings


@pytest.mark.parametrize("stage", ["normalize", "parse", "screen_answer", "unit_tail"])
def test_answer_stages_are_linear_at_the_answer_cap(stage: str) -> None:
    functions = {
        "normalize": normalize,
        "parse": lambda text: parse(normalize(text).text),
        "screen_answer": lambda text: screen_answer(text, "5"),
        "unit_tail": _UNIT_TAIL.match,
    }
    slowest = 0.0
    for text in _adversarial_strings(ANSWER_CAP):
        started = time.perf_counter()
        try:
            functions[stage](text)
        except ValueError:
            pass  # a refusal is fine; the time is what is measured
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < REGEX_LIMIT, slowest


def test_response_stages_are_linear_on_long_responses() -> None:
    slowest = 0.0
    for text in _adversarial_strings(60_000):
        started = time.perf_counter()
        extraction = find_answer(text)
        screen_response(extraction.region, text)
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 4 * REGEX_LIMIT, slowest


def test_unit_tail_keeps_its_meaning() -> None:
    """The linear unit pattern splits value and unit exactly where the old backtracking one did."""
    reference = re.compile(r"^(?P<value>.*?[\d}])\s*(?P<unit>(?:\\?[A-Za-z]+\.?(?:\^\{?[23]\}?)?\s*){1,3})$")
    alphabet = ["1", "2", "3", "}", "{", " ", "a", "b", "cm", "m", ".", "^", "\\", "x", "^{2}", "km", "  "]
    generator = random.Random(23)
    for _ in range(20_000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 9)))
        expected, actual = reference.match(text), _UNIT_TAIL.match(text)
        assert (expected and expected.groupdict()) == (actual and actual.groupdict()), text


def _module_patterns() -> dict[str, re.Pattern[str]]:
    import importlib
    import pkgutil

    import rlvr.verify as package

    patterns = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name in {"cli", "symbolic", "_worker"}:
            continue  # no model text there (symbolic: only text the fast stage already parsed, in a killable worker)
        module = importlib.import_module(f"rlvr.verify.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                patterns[f"{module_info.name}.{name}"] = value
    return patterns


def test_every_module_regex_is_fast_on_adversarial_text() -> None:
    """The class test: a regex that backtracks polynomially shows up here, wherever it is used."""
    strings = _adversarial_strings(ANSWER_CAP)
    slow = {}
    for name, pattern in _module_patterns().items():
        for text in strings:
            for operation in (pattern.search, pattern.match):
                started = time.perf_counter()
                operation(text)
                elapsed = time.perf_counter() - started
                if elapsed > REGEX_LIMIT:
                    slow[name] = (round(elapsed, 3), text[:20])
    assert not slow, slow
