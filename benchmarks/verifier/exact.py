"""Exact label checks for the verifier benchmark set.

Every positive pair the builder writes is re-read from its final-answer string and
compared with the gold using exact arithmetic (`fractions.Fraction`, sympy with
rational coefficients); every negative must compare unequal. This module is the
builder's safety net against a label that lies, so it parses only the spellings the
builder itself produces and raises `LabelError` on anything else.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

import sympy
from latex2sympy2_extended import latex2sympy


class LabelError(ValueError):
    """A generated answer could not be read back, or its label is wrong."""


_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = [(1_000_000, "million"), (1000, "thousand"), (100, "hundred")]


def int_to_words(n: int) -> str:
    """English words for an integer below one billion ("one hundred twenty-three")."""
    if n < 0:
        return "negative " + int_to_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("-" + _ONES[ones] if ones else "")
    for size, name in _SCALES:
        if n >= size:
            head, rest = divmod(n, size)
            words = int_to_words(head) + " " + name
            return words + (" " + int_to_words(rest) if rest else "")
    raise LabelError(f"cannot spell {n}")


def words_to_int(text: str) -> int:
    """Read back what `int_to_words` writes (case and hyphens ignored)."""
    tokens = text.lower().replace("-", " ").split()
    if not tokens:
        raise LabelError("no number words")
    sign = 1
    if tokens[0] in ("negative", "minus"):
        sign, tokens = -1, tokens[1:]
    total, current = 0, 0
    for token in tokens:
        if token in _ONES:
            current += _ONES.index(token)
        elif token in _TENS and token:
            current += 10 * _TENS.index(token)
        elif token == "hundred":
            current *= 100
        elif token in ("thousand", "million"):
            total += current * (1000 if token == "thousand" else 1_000_000)
            current = 0
        elif token == "and":
            continue
        else:
            raise LabelError(f"not a number word: {token!r}")
    return sign * (total + current)


def _read_group(text: str, pos: int) -> tuple[str, int]:
    """One LaTeX argument starting at `pos`: a braced group, a command or one character."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text):
        raise LabelError(f"missing argument in {text!r}")
    if text[pos] == "{":
        depth = 0
        for end in range(pos, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                return text[pos + 1 : end], end + 1
        raise LabelError(f"unbalanced braces in {text!r}")
    if text[pos] == "\\":
        match = re.match(r"\\[a-zA-Z]+", text[pos:])
        if match:
            return match.group(0), pos + len(match.group(0))
    return text[pos], pos + 1


def brace_arguments(text: str) -> str:
    """Rewrite `\\frac34`, `\\frac 9{19}`, `\\sqrt2` with explicit braces."""
    out, pos = [], 0
    pattern = re.compile(r"\\(frac|sqrt)(?![a-zA-Z])")
    while True:
        match = pattern.search(text, pos)
        if not match:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos : match.end()])
        count = 2 if match.group(1) == "frac" else 1
        cursor = match.end()
        if match.group(1) == "sqrt" and cursor < len(text) and text[cursor] == "[":
            raise LabelError("n-th roots are not produced by the builder")
        for _ in range(count):
            arg, cursor = _read_group(text, cursor)
            out.append("{" + brace_arguments(arg) + "}")
        pos = cursor


def clean_latex(text: str) -> str:
    """Drop math delimiters and spacing commands; unify fraction commands."""
    text = text.strip().strip("$").strip()
    for old, new in [
        ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\left", ""), ("\\right", ""),
        ("\\displaystyle", ""), ("\\!", ""), ("\\,", " "), ("\\;", " "),
        ("~", " "), ("{,}", ","), ("\u2212", "-"), ("\\cdot", "*"), ("\\times", "*"),
        ("\u03c0", "\\pi "), ("\u221e", "\\infty"),
    ]:
        text = text.replace(old, new)
    text = re.sub(r"\u221a(\d+)", r"\\sqrt{\1}", text)  # unicode root over an integer
    text = re.sub(r"(?<!\\)\\ ", " ", text)  # a control space, not the end of a `\\` row break
    return re.sub(r"\s+", " ", text).strip()


_UNIT_WORDS = r"(?:dollars?|cents?|degrees?|percent|cm|inches|inch|meters?|feet|miles?|units?)"


def strip_units(text: str) -> str:
    """Remove currency, percent, degree and unit decorations around a number."""
    text = re.sub(r"\\(?:text|mbox|mathrm|textrm)\{\s*" + _UNIT_WORDS + r"\s*\}(\^\{?2\}?)?", "", text)
    text = re.sub(r"\b" + _UNIT_WORDS + r"\b(\^\{?2\}?)?", "", text)
    # any other unit noun written after a number ("9 \text{ eggs}", "9 eggs")
    text = re.sub(r"(?<=\d)\s+[a-z]+(?: [a-z]+)?$", "", text)
    text = re.sub(r"(?<=[\d}])\s*\\(?:text|mbox|mathrm|textrm)\{\s*[A-Za-z][A-Za-z ]*\}(\^\{?\d\}?)?\s*$", "", text)
    for token in ("^\\circ", "^{\\circ}", "\\circ", "°", "\\degree", "\\%", "%", "\\$", "$"):
        text = text.replace(token, "")
    return text.strip()


_INT = r"-?\d+"
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:(?:,|, | )\d{3})+(?:\.\d+)?$")


def parse_number(answer: str) -> Fraction:
    """The exact value of a plain numeric answer in any spelling the builder writes."""
    text = strip_units(clean_latex(answer))
    text = re.sub(r"^[a-z]\s*=\s*", "", text)  # "n = 18": a value assigned to the unknown
    text = re.sub(r"^\\(?:text|textbf|mathrm|mathbf)\{(.*)\}$", r"\1", text).strip()
    text = text.replace("{", "").replace("}", "") if "\\frac" not in text else text
    if _THOUSANDS.match(text):
        text = re.sub(r"[, ]", "", text)
    text = text.replace(" ", "") if re.fullmatch(r"[-\d. ,e+*^{}]+", text) else text
    if re.fullmatch(r"[a-zA-Z -]+", text):
        return Fraction(words_to_int(text))
    sci = re.fullmatch(r"(-?\d*\.?\d+)(?:\*10\^\{?|e)([-+]?\d+)\}?", text)
    if sci:
        return Fraction(sci.group(1)) * Fraction(10) ** int(sci.group(2))
    if "\\frac" in text:
        text = re.sub(r"\{\s*([^{}]*?)\s*\}", r"{\1}", brace_arguments(text))
    mixed = re.fullmatch(r"(\d+) ?\\frac\{(\d+)\}\{(\d+)\}", text)
    if mixed:
        return int(mixed.group(1)) + Fraction(int(mixed.group(2)), int(mixed.group(3)))
    frac = re.fullmatch(r"(-?)\\frac\{(" + _INT + r")\}\{(" + _INT + r")\}", text)
    if frac:
        value = Fraction(int(frac.group(2)), int(frac.group(3)))
        return -value if frac.group(1) else value
    slash = re.fullmatch(r"(" + _INT + r")/(" + _INT + r")", text)
    if slash:
        return Fraction(int(slash.group(1)), int(slash.group(2)))
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text):
        return Fraction(text)
    raise LabelError(f"not a number: {answer!r}")


@lru_cache(maxsize=4096)
def to_sympy(answer: str) -> sympy.Expr:
    """A sympy expression with exact coefficients for a LaTeX expression."""
    text = clean_latex(answer)
    text = re.sub(r"\\(?:text|mathrm)\{\s*\}", "", text)
    text = brace_arguments(text)
    text = text.replace("*", " \\cdot ")
    if re.search(r"\d\.\d", text):
        raise LabelError(f"decimals are compared with parse_number, not sympy: {answer!r}")
    try:
        expr = latex2sympy(text)
    except Exception as exc:  # latex2sympy raises bare Exception on syntax errors
        raise LabelError(f"cannot parse {answer!r}: {exc}") from exc
    return expr


def same_expression(left: str, right: str) -> bool:
    """Exact symbolic equality of two LaTeX expressions."""
    def read(text: str) -> sympy.Expr:
        plain = re.sub(r"^\\approx\s*", "", clean_latex(text))
        if re.fullmatch(r"-?\d+\.\d+", plain):
            return sympy.Rational(plain)  # a decimal approximation, kept exact
        return to_sympy(text)

    difference = sympy.simplify(sympy.expand(read(left) - read(right)))
    return difference == 0


def same_equation(left: str, right: str) -> bool:
    """Two equations describe the same solution set: (l1-r1) is a constant multiple of (l2-r2)."""
    def residual(eq: str) -> sympy.Expr:
        lhs, rhs = eq.split("=")
        return sympy.expand(to_sympy(lhs) - to_sympy(rhs))

    if "=" not in right:
        lhs, rhs = left.split("=")
        return to_sympy(lhs).is_Symbol and same_expression(rhs, right)
    ratio = sympy.simplify(residual(left) / residual(right))
    return ratio.is_number and ratio != 0


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside of (), [], {}."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _same_value(left: str, right: str) -> bool:
    try:
        return parse_number(left) == parse_number(right)
    except LabelError:
        return same_expression(left, right)


def tuple_items(answer: str) -> list[str]:
    """The entries of `(a, b, ...)`."""
    text = clean_latex(answer)
    if not (text.startswith("(") and text.endswith(")")):
        raise LabelError(f"not a tuple: {answer!r}")
    return split_top_level(text[1:-1])


def same_tuple(left: str, right: str) -> bool:
    """Ordered entries equal one by one."""
    a, b = tuple_items(left), tuple_items(right)
    return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))


def root_values(answer: str) -> list[sympy.Expr]:
    """The values of `a, b`, `\\{a, b\\}`, `x = a, x = b`, `a \\pm b`, `a \\text{ and } b`."""
    text = clean_latex(answer)
    text = re.sub(r"^[a-z]\s*\\in\s*", "", text)
    text = re.sub(r"^\\\{(.*)\\\}$", r"\1", text)
    text = re.sub(r"\\(?:text|mbox)\{\s*and\s*\}", ",", text)
    values: list[sympy.Expr] = []
    for item in split_top_level(text):
        item = re.sub(r"^[a-z](_\{?\d+\}?)?\s*=\s*", "", item.strip())
        if "\\pm" in item:
            head, tail = item.split("\\pm")
            for sign in ("+", "-"):
                values.append(sympy.simplify(to_sympy(f"{head or 0}{sign}({tail})")))
        elif re.search(r"\d\.\d", item):
            values.append(sympy.Rational(parse_number(item)))
        else:
            values.append(sympy.simplify(to_sympy(item)))
    return values


def same_roots(left: str, right: str) -> bool:
    """Same set of roots, order ignored."""
    a, b = root_values(left), root_values(right)
    if len(a) != len(b):
        return False
    remaining = list(b)
    for value in a:
        match = next((r for r in remaining if sympy.simplify(value - r) == 0), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def _bound(text: str) -> sympy.Expr:
    text = text.strip()
    if text in ("\\infty", "+\\infty", "\\infty "):
        return sympy.oo
    if text == "-\\infty":
        return -sympy.oo
    return sympy.simplify(to_sympy(text))


def interval_set(answer: str) -> sympy.Set:
    """A sympy set for an interval union or an inequality chain in x."""
    text = clean_latex(answer)
    text = re.sub(r"^x\s*\\in\s*", "", text)
    if re.search(r"(<|>|\\le|\\ge|\\leq|\\geq)", text):
        return _inequality_set(text)
    result: sympy.Set = sympy.EmptySet
    for piece in text.split("\\cup"):
        piece = piece.strip()
        if piece[0] not in "([" or piece[-1] not in ")]":
            raise LabelError(f"not an interval: {answer!r}")
        lo, hi = split_top_level(piece[1:-1])
        result = sympy.Union(result, sympy.Interval(
            _bound(lo), _bound(hi), left_open=piece[0] == "(", right_open=piece[-1] == ")"
        ))
    return result


def _inequality_set(text: str) -> sympy.Set:
    ops = {"<": "<", ">": ">", "\\le": "<=", "\\leq": "<=", "\\ge": ">=", "\\geq": ">="}
    x = sympy.Symbol("x")
    result: sympy.Set = sympy.EmptySet
    for part in re.split(r"\\(?:text|mbox)\{\s*or\s*\}|\\cup|\\lor", text):
        tokens = re.split(r"(\\leq|\\geq|\\le|\\ge|<|>)", part)
        terms = [t.strip() for t in tokens[0::2]]
        relations = [ops[t] for t in tokens[1::2]]
        piece: sympy.Set = sympy.Reals
        for (lhs, rel, rhs) in zip(terms, relations, terms[1:]):
            left = x if lhs == "x" else _bound(lhs)
            right = x if rhs == "x" else _bound(rhs)
            relation = sympy.Rel(left, right, rel)
            piece = sympy.Intersection(piece, relation.as_set())
        result = sympy.Union(result, piece)
    return result


def same_interval(left: str, right: str) -> bool:
    """Equal as subsets of the real line."""
    return sympy.simplify(sympy.SymmetricDifference(interval_set(left), interval_set(right))) == sympy.EmptySet


def matrix_entries(answer: str) -> list[list[str]]:
    """Rows of entries of a pmatrix/bmatrix."""
    text = clean_latex(answer)
    text = re.sub(r"^\(\s*\\begin\{array\}\{[lcr]+\}(.*)\\end\{array\}\s*\)$", r"\\begin{pmatrix}\1\\end{pmatrix}", text)
    match = re.fullmatch(r"\\begin\{([pbv]?matrix)\}(.*)\\end\{\1\}", text)
    if not match:
        raise LabelError(f"not a matrix: {answer!r}")
    return [[e.strip() for e in row.split("&")] for row in match.group(2).split("\\\\")]


def same_matrix(left: str, right: str) -> bool:
    """Same shape, equal entries."""
    a, b = matrix_entries(left), matrix_entries(right)
    if [len(r) for r in a] != [len(r) for r in b]:
        return False
    return all(_same_value(x, y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))


def base_number(answer: str) -> tuple[str, int]:
    """(digits, base) of `204_5`, `204_{5}`, `\\text{204}_5`."""
    text = clean_latex(answer)
    text = re.sub(r"\\text\{(\w+)\}", r"\1", text)
    match = re.fullmatch(r"(\w+)_\{?\(?(\d+)\)?\}?", text)
    if not match:
        raise LabelError(f"not a base-subscript number: {answer!r}")
    return match.group(1).lstrip("0") or "0", int(match.group(2))


def same_base_number(left: str, right: str) -> bool:
    """Same digits in the same base."""
    return base_number(left) == base_number(right)


def choice_letter(answer: str) -> str:
    """The option letter of `(B)`, `\\text{(B)}`, `\\textbf{(B) }`, `B`."""
    text = re.sub(r"\\(?:text|textbf|mathrm|mathbf)\{(.*?)\}", r"\1", clean_latex(answer))
    match = re.fullmatch(r"\(?\s*([A-E])\s*\)?", text.strip())
    if not match:
        raise LabelError(f"not a choice: {answer!r}")
    return match.group(1)


def plain_text(answer: str) -> str:
    """Lower-cased words of a `\\text{...}` answer."""
    text = re.sub(r"\\(?:text|textbf|mathrm|mathbf|textit|emph)\{(.*?)\}", r"\1", clean_latex(answer))
    return text.strip().strip(".").lower()


NUMERIC = {
    "integer", "decimal", "thousands-separator", "number-word", "fraction",
    "decimal-of-fraction", "scientific", "percent", "currency-units", "degrees",
}


def equivalent(category: str, gold: str, answer: str) -> bool:
    """Whether `answer` has the same value as `gold` under the rules of `category`."""
    if category in NUMERIC:
        return parse_number(gold) == parse_number(answer)
    if category in ("radical-constant", "complex", "expression", "big-exact"):
        return same_expression(gold, answer)
    if category == "equation":
        return same_equation(gold, answer)
    if category == "tuple":
        return clean_latex(answer).startswith("(") and same_tuple(gold, answer)
    if category == "set-roots":
        return same_roots(gold, answer)
    if category in ("interval", "inequality-interval"):
        if clean_latex(answer).startswith("\\{"):
            return False  # a finite set of points is never an interval of positive length
        return same_interval(gold, answer)
    if category == "matrix-vector":
        return same_matrix(gold, answer)
    if category == "base-subscript":
        return same_base_number(gold, answer)
    if category == "choice":
        return choice_letter(gold) == choice_letter(answer)
    if category == "text":
        return plain_text(gold) == plain_text(answer)
    raise LabelError(f"no exact check for category {category!r}")
