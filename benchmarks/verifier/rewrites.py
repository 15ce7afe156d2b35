"""Rewrite a real gold answer into equivalent spellings (positives) and realistic wrong ones.

Each `rewrite_<category>` function takes the gold string and returns two lists of
`(answer, note)`: the answers are what a model would put in its final-answer slot.
Nothing here decides a label alone: the builder re-checks every pair with `exact`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from math import factorial, gcd

import sympy

import exact

Rewrite = tuple[list[tuple[str, str]], list[tuple[str, str]]]


def latex_frac(value: Fraction, command: str = "\\frac") -> str:
    """`\\frac{p}{q}` (sign in front), or the integer."""
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}{command}{{{abs(value.numerator)}}}{{{value.denominator}}}"


def terminating_decimal(value: Fraction) -> str | None:
    """The exact decimal of a fraction whose denominator is 2^a 5^b, else None."""
    q = value.denominator
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    if q != 1:
        return None
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    scaled = abs(value) * 10**digits
    text = str(scaled.numerator).rjust(digits + 1, "0")
    body = text[:-digits] + "." + text[-digits:] if digits else text
    return ("-" if value < 0 else "") + body


def group_thousands(n: int, sep: str) -> str:
    """`1260` -> `1{sep}260`."""
    text = f"{abs(n):,}".replace(",", sep)
    return ("-" if n < 0 else "") + text


def _near_integers(n: int) -> list[tuple[str, str]]:
    wrong = [(n + 1, "off by one"), (n - 1, "off by one"), (n * 10, "extra zero")]
    if n != 0:
        wrong.append((-n, "wrong sign"))
    flipped = int(str(abs(n))[::-1]) * (1 if n >= 0 else -1)
    if flipped != n:
        wrong.append((flipped, "digits reversed"))
    wrong.append((n + 2 * (n % 7) + 3, "arithmetic slip"))
    return [(str(v), note) for v, note in wrong if v != n]


def rewrite_integer(gold: str) -> Rewrite:
    """Integers: decimal points, braces, bold, assignments; near misses."""
    n = int(gold)
    pos = [(str(n), "plain"), (f"{n}.0", "trailing .0"), (f"{n}.00", "trailing .00"), (f"{{{n}}}", "braced"), (f"\\text{{{n}}}", "number in \\text")]
    if gold != str(n):
        pos.append((str(n), "leading zeros dropped"))
    if n > 0:
        pos.append((f"\\mathbf{{{n}}}", "bold math"))
    if n < 0:
        pos.append((f"\u2212{-n}", "unicode minus sign"))
        pos.append((f"- {-n}", "space after the minus sign"))
    pos.append((f"n = {n}", "variable assignment"))
    return pos, _near_integers(n) + [(f"{n}.5", "half off")]


def rewrite_decimal(gold: str) -> Rewrite:
    """Decimals: leading and trailing zeros; shifted points, rounding, last digit."""
    value = Fraction(gold)
    canonical = terminating_decimal(value) or gold
    pos = [(canonical, "canonical decimal"), (canonical + ("0" if "." in canonical else ".0"), "trailing zero")]
    if canonical.startswith("0."):
        pos.append((canonical[1:], "no leading zero"))
    if gold.startswith("."):
        pos.append(("0" + gold, "leading zero added"))
    if value.denominator == 1:
        pos.append((str(value.numerator), "integer form of N.0"))
    neg = [
        (terminating_decimal(value * 10), "decimal point shifted"),
        (terminating_decimal(value / 10), "decimal point shifted"),
        (terminating_decimal(-value) if value else "1", "wrong sign"),
    ]
    digits = len(canonical.split(".")[1]) if "." in canonical else 0
    step = Fraction(1, 10**digits) if digits else Fraction(1)
    neg.append((terminating_decimal(value + step), "last digit off by one"))
    if digits >= 2:
        neg.append((terminating_decimal(Fraction(round(value * 10 ** (digits - 1)), 10 ** (digits - 1))), "rounded"))
    return pos, [(a, n) for a, n in neg if a is not None]


def rewrite_thousands(gold: str) -> Rewrite:
    """Large integers with every common digit-group separator."""
    n = int(exact.parse_number(gold))
    pos = [
        (group_thousands(n, ","), "comma groups"),
        (group_thousands(n, "{,}"), "braced comma groups"),
        (group_thousands(n, "\\,"), "thin-space groups"),
        (group_thousands(n, ",\\!"), "comma with negative space"),
        (str(n), "no separator"),
    ]
    neg = [
        (group_thousands(n + 1000, ","), "thousands digit off"),
        (group_thousands(n * 10, ","), "extra zero"),
        (group_thousands(n + 10, "{,}"), "tens digit off"),
        (group_thousands(n - 1, "\\,"), "off by one"),
    ]
    return pos, neg


def rewrite_number_word(gold: str) -> Rewrite:
    """Integers written as English words."""
    n = int(gold)
    words = exact.int_to_words(n)
    pos = [(f"\\text{{{words}}}", "number word in \\text"), (words, "number word"), (words.capitalize(), "capitalised number word")]
    neg = [
        (f"\\text{{{exact.int_to_words(n + 1)}}}", "number word off by one"),
        (exact.int_to_words(n * 2 + 1), "different number word"),
        (exact.int_to_words(n + 10), "number word off by ten"),
    ]
    return pos, neg


def rewrite_fraction(gold: str) -> Rewrite:
    """Fractions: \\dfrac, slash, unreduced, mixed; reciprocal and off-by-one."""
    value = exact.parse_number(gold)
    p, q = value.numerator, value.denominator
    sign = "-" if value < 0 else ""
    a = abs(p)
    pos = [
        (latex_frac(value), "\\frac"),
        (latex_frac(value, "\\dfrac"), "\\dfrac"),
        (f"{p}/{q}", "slash"),
        (f"{sign}\\frac{{{2 * a}}}{{{2 * q}}}", "unreduced"),
        (f"{sign}\\tfrac{{{a}}}{{{q}}}", "\\tfrac"),
    ]
    if a < 10 and q < 10:
        pos.append((f"{sign}\\frac{a}{q}", "brace-less \\frac"))
    pos.append((f"{sign}\\frac {{ {a} }} {{ {q} }}", "spaces inside \\frac"))
    if value < 0:
        pos.append((f"\\frac{{{p}}}{{{q}}}", "minus in numerator"))
    if value > 1 and q > 1:
        whole = p // q
        pos.append((f"{whole}\\frac{{{p - whole * q}}}{{{q}}}", "mixed number"))
    neg = [
        (latex_frac(1 / value), "reciprocal"),
        (latex_frac(Fraction(p + 1, q)), "numerator off by one"),
        (latex_frac(Fraction(p, q + 1)), "denominator off by one"),
        (latex_frac(-value), "wrong sign"),
    ]
    return pos, [(x, n) for x, n in neg if Fraction(exact.parse_number(x)) != value]


def rewrite_decimal_of_fraction(gold: str) -> Rewrite:
    """A fraction gold answered as its exact decimal, or a decimal gold as a fraction."""
    value = exact.parse_number(gold)
    as_decimal = terminating_decimal(value)
    pos: list[tuple[str, str]] = []
    if "\\frac" in gold or "/" in gold:
        if as_decimal:
            pos.append((as_decimal, "decimal of a fraction gold"))
    else:
        pos.append((latex_frac(value), "fraction of a decimal gold"))
        if value.denominator < 10 and abs(value.numerator) < 10:
            pos.append((("-" if value < 0 else "") + f"\\frac{abs(value.numerator)}{value.denominator}", "brace-less fraction of a decimal gold"))
        pos.append((f"{value.numerator}/{value.denominator}", "slash fraction of a decimal gold"))
    neg: list[tuple[str, str]] = []
    if as_decimal is None:
        neg.append((f"{float(value):.2f}", "rounded decimal of a non-terminating fraction"))
        neg.append((f"{float(value):.3f}", "rounded decimal of a non-terminating fraction"))
    else:
        digits = len(as_decimal.split(".")[1]) if "." in as_decimal else 0
        neg.append((terminating_decimal(value + Fraction(1, 10 ** max(digits, 1))), "decimal off in last digit"))
        neg.append((terminating_decimal(value / 10), "decimal point shifted"))
    if "\\frac" not in gold and "/" not in gold:
        neg.append((latex_frac(value * Fraction(10, 9)), "fraction of a different decimal"))
    return pos, neg


def _scientific(value: Fraction) -> tuple[str, int]:
    exponent = 0
    while abs(value) >= 10:
        value /= 10
        exponent += 1
    while abs(value) < 1:
        value *= 10
        exponent -= 1
    return terminating_decimal(value) or str(float(value)), exponent


def rewrite_scientific(gold: str) -> Rewrite:
    """Scientific notation with \\times, \\cdot and e; exponent and mantissa slips."""
    value = exact.parse_number(gold)
    mantissa, exponent = _scientific(value)
    pos = [
        (f"{mantissa} \\times 10^{{{exponent}}}", "scientific with \\times"),
        (f"{mantissa}\\cdot 10^{{{exponent}}}", "scientific with \\cdot"),
        (f"{mantissa}e{exponent}", "e-notation"),
    ]
    bumped = terminating_decimal(Fraction(mantissa) + Fraction(1, 10))
    neg = [
        (f"{mantissa} \\times 10^{{{exponent + 1}}}", "exponent off by one"),
        (f"{mantissa} \\times 10^{{{exponent - 1}}}", "exponent off by one"),
        (f"{bumped} \\times 10^{{{exponent}}}", "mantissa off"),
        (f"{mantissa}e{-exponent}" if exponent else f"{mantissa}e1", "exponent sign flipped"),
    ]
    return pos, neg


def rewrite_percent(gold: str) -> Rewrite:
    """Percent answers with and without the sign."""
    n = exact.parse_number(gold)
    text = terminating_decimal(n) or gold
    pos = [(f"{text}\\%", "\\%"), (f"{text}%", "bare %"), (f"{text} \\text{{ percent}}", "word percent"), (text, "number without sign")]
    if n.denominator == 1:
        pos.append((f"{text}.0\\%", "one decimal and \\%"))
    neg = [(f"{terminating_decimal(n + 5)}\\%", "off by five points"), (f"{terminating_decimal(n * 2)}\\%", "doubled")]
    if n != 0:
        neg.append((f"{terminating_decimal(n / 100)}\\%", "fraction written as a percent"))
    if n != 50:
        neg.append((f"{terminating_decimal(100 - n)}\\%", "complement"))
    return pos, [(a, note) for a, note in neg if exact.parse_number(a) != n]


_NOT_UNITS = {"more", "times", "of", "in", "total", "less", "fewer", "different", "other", "each", "days", "years"}


def rewrite_currency_units(gold: str, question: str = "") -> Rewrite:
    """Money, measured quantities and counted nouns, with and without their units."""
    value = exact.parse_number(gold)
    text = terminating_decimal(value)
    asked = re.split(r"(?<=[.!])\s+", question.strip())[-1].lower()  # the sentence that asks
    counted = re.search(r"how many ([a-z]+)", asked) if "money" not in asked else None
    if counted and counted.group(1) not in _NOT_UNITS and counted.group(1) != "dollars" and "\\" not in gold:
        noun = counted.group(1)
        pos = [(f"{text} \\text{{ {noun}}}", "count with its noun in \\text"), (f"{text} {noun}", "count with its noun"), (text, "bare count")]
        neg = [(f"{terminating_decimal(value + 1)} \\text{{ {noun}}}", "off by one"), (f"{terminating_decimal(value * 2)} {noun}", "doubled")]
        return pos, neg
    unit = re.search(r"(?:\\mbox|\\text)\{\s*([a-z]+)\s*\}(\^2)?", gold)
    if unit:
        name, square = unit.group(1), unit.group(2) or ""
        pos = [(text, "units dropped"), (f"{text} \\text{{ {name}}}{square}", "units in \\text"), (f"{text}\\ \\mathrm{{{name}}}{square}", "units in \\mathrm")]
        wrong = [(value + 1, "off by one"), (value * 2, "doubled")]
        neg = [(f"{terminating_decimal(v)} \\text{{ {name}}}{square}", note) for v, note in wrong]
        return pos, neg
    if re.search(r"€|£|euro|pound|yen|rupee", question.lower()):
        # not a dollar amount: only the bare number is a right spelling
        return [(text, "bare number")], [(terminating_decimal(value + 1), "off by one"), (terminating_decimal(value * 2), "doubled")]
    pos = [(f"\\${text}", "dollar sign"), (text, "bare number"), (f"{text} \\text{{ dollars}}", "word dollars")]
    if value.denominator == 1:
        pos.append((f"\\${text}.00", "dollars and cents"))
    else:
        pos.append((f"\\${float(value):.2f}", "two decimals"))
    if value >= 1000:
        pos.append((f"\\${group_thousands(int(value), ',')}", "dollar sign and comma groups"))
    neg = [
        (f"\\${terminating_decimal(value + 1)}", "off by one dollar"),
        (f"\\${terminating_decimal(value * 2)}", "doubled"),
        (f"{terminating_decimal(value + Fraction(1, 10))} \\text{{ dollars}}", "off by ten cents"),
    ]
    if value.denominator != 1:
        neg.append((f"\\${terminating_decimal(value * 100)}", "cents written as dollars"))
    return pos, neg


def rewrite_degrees(gold: str) -> Rewrite:
    """Angles with and without degree marks; supplements and slips."""
    value = exact.parse_number(gold)
    text = latex_frac(value)
    pos = [(text, "degree sign dropped"), (f"{text}^{{\\circ}}", "^{\\circ}"), (f"{text}^\\circ", "^\\circ"), (f"{text} \\text{{ degrees}}", "word degrees")]
    if value.denominator == 1:
        pos.append((f"{text} degrees", "plain word degrees"))
    if value.denominator == 1:
        pos.append((f"{text}°", "unicode degree sign"))
    neg = [(f"{latex_frac(value + 10)}^\\circ", "off by ten degrees"), (f"{latex_frac(value + 1)}^\\circ", "off by one degree")]
    if value != 90:
        neg.append((f"{latex_frac(180 - value)}^\\circ", "supplement"))
    return pos, neg


def rewrite_radical_constant(gold: str) -> Rewrite:
    """Exact radicals and multiples of pi; decimal approximations are wrong."""
    pos, neg = _radical_rewrites(exact.clean_latex(gold))
    approximate = sympy.N(exact.to_sympy(gold), 12)
    neg.append((f"{float(approximate):.2f}", "decimal approximation"))
    neg.append((f"\\approx {float(approximate):.4f}", "approximation sign"))
    return pos, neg


def _radical_rewrites(g: str) -> Rewrite:
    pos: list[tuple[str, str]] = [(g.replace(" ", ""), "spacing")]
    single_term = not re.search(r"[-+]", g.lstrip("-"))
    negated = g[1:] if g.startswith("-") and single_term else f"-{g}" if single_term else f"-({g})"
    neg: list[tuple[str, str]] = [(negated, "wrong sign")]
    m = re.fullmatch(r"(-?)(\d*) ?\\sqrt\{?(\d+)\}?", g)
    if m:
        sign, c, r = m.group(1), int(m.group(2) or 1), int(m.group(3))
        if c > 1:
            pos.append((f"{sign}\\sqrt{{{c * c * r}}}", "coefficient moved under the root"))
            pos.append((f"{sign}{c} \\cdot \\sqrt{{{r}}}", "explicit product"))
            pos.append((f"{sign}\\sqrt{{{r}}} \\cdot {c}", "factors swapped"))
            neg.append((f"{sign}{c}", "root dropped"))
        pos.append((f"{sign}{c if c > 1 else ''}\u221a{r}", "unicode root sign"))
        if r < 10:
            pos.append((f"{sign}{c}\\sqrt{r}" if c > 1 else f"{sign}\\sqrt{r}", "brace-less \\sqrt"))
        neg.append((f"{sign}{c if c > 1 else ''}\\sqrt{{{r + 1}}}", "wrong radicand"))
        neg.append((f"{sign}{c + 1}\\sqrt{{{r}}}", "wrong coefficient"))
        if c > 1:
            neg.append((f"{sign}\\sqrt{{{c * r}}}", "coefficient moved under the root unsquared"))
    m = re.fullmatch(r"(-?)(\d*) ?\\pi", g)
    if m:
        sign, c = m.group(1), m.group(2) or "1"
        pos.append((f"{sign}\\pi \\cdot {c}" if c != "1" else f"{sign}1\\pi", "factors swapped"))
        if c != "1":
            neg.append((f"{sign}{c}", "\\pi dropped"))
        pos.append((f"{sign}{c if c != '1' else ''}\u03c0", "unicode pi"))
        neg.append((f"{sign}{int(c) * 2}\\pi", "doubled"))
    m = re.fullmatch(r"(-?)\\frac\{(\d*)\\sqrt\{(\d+)\}\}\{(\d+)\}", g)
    if m:
        sign, c, r, d = m.group(1), int(m.group(2) or 1), int(m.group(3)), int(m.group(4))
        top, bottom = c * r // gcd(c * r, d), d // gcd(c * r, d)
        below = f"{bottom}\\sqrt{{{r}}}" if bottom > 1 else f"\\sqrt{{{r}}}"
        pos.append((f"{sign}\\frac{{{top}}}{{{below}}}", "root in the denominator"))
        if r < 10 and bottom == 1:
            pos.append((f"{sign}\\frac{{{top}}}{{\\sqrt{r}}}", "root in the denominator, brace-less"))
        pos.append((f"{sign}\\frac{{{c}}}{{{d}}}\\sqrt{{{r}}}", "coefficient pulled out"))
        neg.append((f"{sign}\\frac{{{c}\\sqrt{{{r}}}}}{{{d + 1}}}", "wrong denominator"))
        neg.append((f"{sign}\\frac{{{d}}}{{{c}\\sqrt{{{r}}}}}", "reciprocal"))
        if d != 2:
            neg.append((f"{sign}\\frac{{{c}\\sqrt{{{r}}}}}{{2}}", "wrong denominator"))
    m = re.fullmatch(r"(-?)\\frac\{(\\pi(?:\^2)?)\}\{(\d+)\}", g)
    if m:
        sign, top, d = m.groups()
        pos.append((f"{sign}\\frac{{1}}{{{d}}}{top}", "coefficient pulled out"))
        pos.append((f"\\frac{{-{top}}}{{{d}}}" if sign else f"{top}/{d}", "sign or slash moved"))
        neg.append((f"{sign}\\frac{{{top}}}{{{int(d) + 1}}}", "wrong denominator"))
        neg.append((f"{sign}\\frac{{{d}}}{{{top}}}", "reciprocal"))
    m = re.fullmatch(r"\\frac\{(\d+)\}\{\\pi\}", g)
    if m:
        pos.append((f"{m.group(1)}/\\pi", "slash"))
        pos.append((f"{m.group(1)}\\pi^{{-1}}", "negative power"))
        neg.append((f"{m.group(1)}\\pi", "multiplied instead of divided"))
    m = re.fullmatch(r"(\d+) ?\+ ?(\d*) ?\\(sqrt\{\d+\}|pi)", g) or re.fullmatch(r"(\d*) ?\\(sqrt\{\d+\}) ?\+ ?(\d+)", g)
    if m and "+" in g:
        left, right = [p.strip() for p in g.split("+")]
        pos.append((f"{right} + {left}", "terms reordered"))
        neg.append((f"{left} - {right}", "wrong sign of a term"))
        neg.append((left, "term dropped"))
    return pos, neg


def rewrite_big_exact(gold: str) -> Rewrite:
    """Handmade huge or tiny exact values whose near misses are equal as floats."""
    f2006 = "2006!"
    table: dict[str, Rewrite] = {
        "\\frac{1}{2006!}": (
            [(f"({f2006})^{{-1}}", "negative power"), ("\\frac{1}{2006 \\cdot 2005!}", "factorial split"), ("1/2006!", "slash")],
            [("\\frac{1}{2004!}", "different factorial"), ("\\frac{1}{2005!}", "different factorial"), ("\\frac{2}{2006!}", "numerator off")],
        ),
        "2^{-100}": (
            [("\\frac{1}{2^{100}}", "reciprocal power"), ("4^{-50}", "base 4"), ("\\left(\\frac{1}{2}\\right)^{100}", "power of a half"), (f"\\frac{{1}}{{{2**100}}}", "expanded denominator")],
            [("\\frac{1}{2^{99}}", "exponent off by one"), ("2^{-101}", "exponent off by one"), (f"\\frac{{1}}{{{2**100 + 1}}}", "denominator off by one (equal as floats)")],
        ),
        "2^{100}": (
            [(str(2**100), "all digits"), ("4^{50}", "base 4"), ("1024^{10}", "base 1024")],
            [(str(2**100 + 1), "last digit off (equal as floats)"), ("2^{99}", "exponent off by one"), (str(2**100 - 10**10), "digits off (close as floats)")],
        ),
        "\\frac{1}{2^{64}}": (
            [("2^{-64}", "negative power"), (f"\\frac{{1}}{{{2**64}}}", "expanded denominator"), ("4^{-32}", "base 4")],
            [(f"\\frac{{1}}{{{2**64 - 1}}}", "denominator off by one (equal as floats)"), ("2^{-63}", "exponent off by one"), ("\\frac{1}{2^{32}}", "half the exponent")],
        ),
        "3^{50}": (
            [(str(3**50), "all digits"), ("9^{25}", "base 9"), ("3 \\cdot 3^{49}", "factored")],
            [(str(3**50 - 1), "last digit off (equal as floats)"), ("3^{49}", "exponent off by one"), ("2^{50}", "wrong base")],
        ),
        "100!": (
            [(str(factorial(100)), "all digits"), ("100 \\cdot 99!", "factorial split"), ("\\frac{101!}{101}", "quotient of factorials")],
            [(str(factorial(100) + 1), "last digit off (equal as floats)"), ("99!", "different factorial"), ("101!", "different factorial")],
        ),
        "\\frac{2005!}{2003!}": (
            [("2005 \\cdot 2004", "product"), (str(2005 * 2004), "evaluated"), ("4018020", "evaluated")],
            [("2005 \\cdot 2003", "wrong product"), ("\\frac{2005!}{2002!}", "different factorial"), (str(2005 * 2004 + 1), "off by one")],
        ),
        "10^{30}+1": (
            [(str(10**30 + 1), "all digits"), ("1 + 10^{30}", "terms swapped"), ("100^{15}+1", "base 100")],
            [(str(10**30), "plus one dropped (equal as floats)"), ("10^{30}", "plus one dropped"), ("10^{30}-1", "wrong sign")],
        ),
        "\\frac{1}{3^{40}}": (
            [("3^{-40}", "negative power"), ("9^{-20}", "base 9"), (f"\\frac{{1}}{{{3**40}}}", "expanded denominator")],
            [("3^{-39}", "exponent off by one"), (f"\\frac{{1}}{{{3**40 + 1}}}", "denominator off by one (equal as floats)"), ("\\frac{1}{3^{41}}", "exponent off by one")],
        ),
        "2^{2024}": (
            [("4^{1012}", "base 4"), ("2 \\cdot 2^{2023}", "factored"), ("\\left(2^{1012}\\right)^{2}", "power of a power")],
            [("2^{2023}", "exponent off by one"), ("2^{2025}", "exponent off by one"), ("2^{2024}+1", "plus one"), ("4^{2024}", "wrong base")],
        ),
    }
    return table[gold]


def rewrite_complex(gold: str) -> Rewrite:
    """Complex numbers in any term order; conjugate and swapped parts."""
    m = re.fullmatch(r"(-?\d+) ?([-+]) ?(\d*)i", gold.replace(" ", ""))
    if not m:
        raise exact.LabelError(f"unexpected complex gold {gold!r}")
    a, sign, b = int(m.group(1)), m.group(2), int(m.group(3) or 1)
    b = b if sign == "+" else -b

    def spell(re_part: int, im_part: int) -> str:
        return f"{re_part} {'+' if im_part >= 0 else '-'} {abs(im_part)}i"

    pos = [
        (spell(a, b).replace(" ", ""), "no spaces"),
        (f"{b}i {'+' if a >= 0 else '-'} {abs(a)}", "imaginary part first"),
        (f"{a} {'+' if b >= 0 else '-'} {abs(b)} \\cdot i", "explicit product"),
        (f"{a} {'+' if b >= 0 else '-'} i \\cdot {abs(b)}", "i before the coefficient"),
    ]
    neg = [(spell(a, -b), "conjugate"), (spell(b, a), "parts swapped"), (spell(-a, b), "real part sign"), (str(a), "imaginary part dropped"),
           (spell(a, b + 1), "imaginary part off by one"), (spell(a, b)[:-1], "imaginary unit dropped")]
    return pos, [(x, n) for x, n in neg if x.replace(" ", "") != spell(a, b).replace(" ", "")]


_EXPRESSIONS: dict[str, Rewrite] = {
    "\\cot x": (
        [("\\frac{\\cos x}{\\sin x}", "quotient form"), ("\\frac{1}{\\tan x}", "reciprocal of tan"), ("\\cot(x)", "parenthesised argument")],
        [("\\tan x", "tan instead of cot"), ("-\\cot x", "wrong sign"), ("\\frac{\\sin x}{\\cos x}", "quotient inverted")],
    ),
    "(a+5)(b+2)": (
        [("ab+2a+5b+10", "expanded"), ("(b+2)(a+5)", "factors swapped"), ("(5+a)(2+b)", "terms swapped")],
        [("(a+2)(b+5)", "constants swapped"), ("(a+5)(b-2)", "wrong sign"), ("ab+10", "cross terms dropped")],
    ),
    "3R^2": (
        [("3 R^{2}", "braced exponent"), ("R^2 \\cdot 3", "factors swapped")],
        [("3R^3", "wrong exponent"), ("9R^2", "coefficient squared"), ("3R", "exponent dropped")],
    ),
}


def rewrite_expression(gold: str) -> Rewrite:
    """Polynomials and expressions reordered, factored, expanded; sign and term slips."""
    if gold in _EXPRESSIONS:
        return _EXPRESSIONS[gold]
    expr = exact.to_sympy(gold)
    terms = list(sympy.Add.make_args(sympy.expand(expr)))
    pos: list[tuple[str, str]] = [(gold.replace(" ", ""), "spacing")]
    if len(terms) > 1:
        reversed_sum = " + ".join(sympy.latex(t) for t in reversed(terms)).replace("+ -", "- ")
        pos.append((reversed_sum, "terms reordered"))
    factored = sympy.factor(expr)
    if factored != sympy.expand(expr) and not factored.is_Add:
        pos.append((sympy.latex(factored), "factored"))
    dotted = sympy.latex(expr, mul_symbol="dot")
    if "cdot" in dotted:
        pos.append((dotted, "explicit \\cdot products"))
    expanded = sympy.expand(expr)
    if sympy.latex(expanded).replace(" ", "") != gold.replace(" ", ""):
        pos.append((sympy.latex(expanded), "expanded"))
    neg: list[tuple[str, str]] = [(sympy.latex(-expr), "wrong sign")]
    if len(terms) > 1:
        neg.append((sympy.latex(expanded - 2 * terms[-1]), "sign of one term flipped"))
        neg.append((sympy.latex(expanded - terms[0]), "term dropped"))
    neg.append((sympy.latex(expanded + 1), "constant off by one"))
    symbols = sorted(expr.free_symbols, key=str)
    if symbols:
        neg.append((sympy.latex(expr.subs(symbols[0], 2 * symbols[0])), "variable doubled"))
    return pos, neg


_EQUATIONS: dict[str, Rewrite] = {
    "x=5": (
        [("5", "value without the variable"), ("x = 5", "spacing"), ("5 = x", "sides swapped"), ("x - 5 = 0", "moved to one side"), ("2x = 10", "scaled")],
        [("x=-5", "wrong sign"), ("x=6", "off by one"), ("x = 25", "squared"), ("x = 4", "off by one"), ("x - 5 = 1", "constant off")],
    ),
    "y = 2x + 3": (
        [("2x - y + 3 = 0", "general form"), ("y = 3 + 2x", "terms swapped"), ("y - 2x = 3", "rearranged"), ("2y = 4x + 6", "scaled"),
         ("y - 3 = 2x", "point-slope style"), ("x = \\frac{y - 3}{2}", "solved for x")],
        [("y = 2x - 3", "different line"), ("y = 3x + 2", "slope and intercept swapped"), ("y = -2x + 3", "wrong slope sign"), ("2x + y + 3 = 0", "different line"),
         ("x = 2y + 3", "variables swapped"), ("y = 2x + 4", "intercept off by one")],
    ),
    "y = -2x": (
        [("2x + y = 0", "general form"), ("y + 2x = 0", "rearranged"), ("-y = 2x", "negated"), ("y=-2x", "spacing"), ("x = -\\frac{y}{2}", "solved for x"), ("y = -2 x", "spaced product")],
        [("y = 2x", "wrong slope sign"), ("y = -2x + 1", "different intercept"), ("y = -\\frac{1}{2}x", "reciprocal slope"), ("x = -2y", "variables swapped"), ("y = -3x", "wrong slope")],
    ),
    "5x - 7y + 11z + 4 = 0": (
        [("-5x + 7y - 11z - 4 = 0", "negated"), ("5x - 7y + 11z = -4", "constant moved"), ("10x - 14y + 22z + 8 = 0", "scaled"),
         ("5x + 11z + 4 = 7y", "rearranged"), ("11z - 7y + 5x + 4 = 0", "terms reordered")],
        [("5x - 7y + 11z - 4 = 0", "parallel plane"), ("5x + 7y + 11z + 4 = 0", "one sign flipped"), ("5x - 7y + 11z = 4", "constant moved without sign change"),
         ("5x - 7y + 11z + 4 = 1", "constant off"), ("5x - 11y + 7z + 4 = 0", "coefficients swapped")],
    ),
}


def rewrite_equation(gold: str) -> Rewrite:
    """Equations of lines and planes rearranged or scaled; different lines."""
    return _EQUATIONS[gold]


def _numeric_neighbour(item: str) -> str:
    try:
        return latex_frac(exact.parse_number(item) + 1)
    except exact.LabelError:
        return f"{item} + 1"


def rewrite_tuple(gold: str) -> Rewrite:
    """Ordered tuples with other spacing and entry spellings; swapped or dropped entries."""
    items = exact.tuple_items(gold)
    pos = [
        ("(" + ", ".join(items) + ")", "plain parentheses"),
        ("\\left(" + ",".join(items) + "\\right)", "\\left( \\right)"),
        ("( " + " , ".join(items) + " )", "loose spacing"),
    ]
    rewritten = [i.replace("\\frac", "\\dfrac") for i in items]
    if rewritten != items:
        pos.append(("(" + ", ".join(rewritten) + ")", "\\dfrac entries"))
    as_decimals = []
    for item in items:
        try:
            as_decimals.append(terminating_decimal(exact.parse_number(item)) or item)
        except exact.LabelError:
            as_decimals.append(item)
    if as_decimals != items:
        pos.append(("(" + ", ".join(as_decimals) + ")", "decimal entries"))
    neg = []
    if items[0] != items[1]:
        neg.append(("(" + ", ".join([items[1], items[0], *items[2:]]) + ")", "entries swapped"))
    neg.append(("(" + ", ".join(items[:-1]) + ")" if len(items) > 2 else items[0], "entry dropped"))
    neg.append(("(" + ", ".join([*items[:-1], _numeric_neighbour(items[-1])]) + ")", "last entry off by one"))
    flipped = items[0][1:] if items[0].startswith("-") else "-" + items[0]
    neg.append(("(" + ", ".join([flipped, *items[1:]]) + ")", "first entry sign flipped"))
    return pos, neg


def _roots(gold: str) -> list[str]:
    """Each root as a separate string (± expanded)."""
    text = exact.clean_latex(gold)
    text = re.sub(r"^\\\{(.*)\\\}$", r"\1", text)
    roots: list[str] = []
    for item in exact.split_top_level(text):
        if "\\pm" in item:
            head, tail = [p.strip() for p in item.split("\\pm")]
            roots += [f"{head} + {tail}", f"{head} - {tail}"]
        else:
            roots.append(item.strip())
    return roots


def rewrite_set_roots(gold: str) -> Rewrite:
    """Root sets in any order and notation; missing, extra or wrong roots."""
    roots = _roots(gold)
    pos = [
        (", ".join(reversed(roots)), "order reversed"),
        ("\\{" + ", ".join(roots) + "\\}", "set braces"),
        (", ".join(f"x = {r}" for r in roots), "x = each root"),
        (", ".join(f"x_{k + 1} = {r}" for k, r in enumerate(roots)), "numbered roots"),
        ("x \\in \\{" + ", ".join(roots) + "\\}", "x in a set"),
        (", ".join(roots), "roots listed"),
    ]
    if len(roots) == 2:
        pos.append((f"{roots[0]} \\text{{ and }} {roots[1]}", "joined with and"))
    neg = [
        (", ".join(roots[:-1]), "missing root"),
        (", ".join([*roots, str(len(roots) + 7)]), "extra root"),
        (", ".join([*roots[:-1], roots[-1].replace("-", "+") if "-" in roots[-1] else "-" + roots[-1]]), "wrong sign of a root"),
    ]
    return pos, [(a, n) for a, n in neg if a]


def _interval_pieces(gold: str) -> list[tuple[str, str, str, str]]:
    """(open bracket, low, high, close bracket) for each piece of a union."""
    text = re.sub(r"^x\s*\\in\s*", "", exact.clean_latex(gold))
    pieces = []
    for piece in text.split("\\cup"):
        piece = piece.strip()
        low, high = exact.split_top_level(piece[1:-1])
        pieces.append((piece[0], low.strip(), high.strip(), piece[-1]))
    return pieces


def _join_pieces(pieces: list[tuple[str, str, str, str]], joiner: str = " \\cup ") -> str:
    return joiner.join(f"{o}{lo}, {hi}{c}" for o, lo, hi, c in pieces)


def rewrite_interval(gold: str) -> Rewrite:
    """Intervals and unions re-spelled; open/closed ends, swapped ends, missing pieces."""
    pieces = _interval_pieces(gold)
    pos = [
        (_join_pieces(pieces), "canonical spacing"),
        (_join_pieces(pieces).replace(", ", ","), "no spaces"),
        (" \\cup ".join(f"\\left{o}{lo}, {hi}\\right{c}" for o, lo, hi, c in pieces), "\\left \\right"),
    ]
    if len(pieces) > 1:
        pos.append((_join_pieces(list(reversed(pieces))), "union reordered"))
    if "\\in" in gold:
        pos.append((_join_pieces(pieces), "x \\in dropped"))
    else:
        pos.append(("x \\in " + _join_pieces(pieces), "x \\in added"))
    if any("infty" in lo + hi for _, lo, hi, _ in pieces):
        pos.append((_join_pieces(pieces).replace("\\infty", "\u221e"), "unicode infinity"))
    if any(hi == "\\infty" for _, _, hi, _ in pieces):
        pos.append((_join_pieces([(o, lo, "+\\infty" if hi == "\\infty" else hi, c) for o, lo, hi, c in pieces]), "+\\infty"))
    o, lo, hi, c = pieces[0]
    neg = []
    if "infty" not in hi:
        neg.append((_join_pieces([(o, lo, hi, ")" if c == "]" else "]"), *pieces[1:]]), "closed vs open end"))
    if "infty" not in lo:
        neg.append((_join_pieces([("[" if o == "(" else "(", lo, hi, c), *pieces[1:]]), "closed vs open end"))
    neg.append((_join_pieces([(o, hi, lo, c), *pieces[1:]]), "ends swapped"))
    if "infty" not in lo + hi and len(pieces) == 1:
        neg.append((f"\\{{{lo}, {hi}\\}}", "end points as a set"))
    if len(pieces) > 1:
        neg.append((_join_pieces(pieces[:1]), "union piece missing"))
    if "infty" not in lo:
        neg.append((_join_pieces([(o, f"{lo} + 1" if "\\" in lo else _numeric_neighbour(lo), hi, c), *pieces[1:]]), "wrong end point"))
    return pos, neg


def _inequality(pieces: list[tuple[str, str, str, str]], flip: int | None = None) -> str:
    parts = []
    for index, (o, lo, hi, c) in enumerate(pieces):
        left = "<" if o == "(" else "\\le"
        right = "<" if c == ")" else "\\le"
        if flip == index:
            left = "\\le" if left == "<" else "<"
            right = "\\le" if right == "<" else "<"
        if "infty" in lo:
            parts.append(f"x {right} {hi}")
        elif "infty" in hi:
            greater = ">" if left == "<" else "\\ge"
            parts.append(f"x {greater} {lo}")
        else:
            parts.append(f"{lo} {left} x {right} {hi}")
    return " \\text{ or } ".join(parts)


def rewrite_inequality_interval(gold: str) -> Rewrite:
    """Intervals written as inequalities in x; strictness and direction slips."""
    pieces = _interval_pieces(gold)
    pos = [(_inequality(pieces), "inequality form"), (_inequality(pieces).replace("\\le", "\\leq"), "\\leq form")]
    if len(pieces) == 1 and "infty" not in pieces[0][1] + pieces[0][2]:
        pos.append((_inequality(pieces).replace("x", "x ", 1), "spacing"))
    neg = [(_inequality(pieces, flip=0), "strictness flipped")]
    o, lo, hi, c = pieces[0]
    if "infty" in hi:
        neg.append((f"x < {lo}", "direction reversed"))
    elif "infty" in lo:
        neg.append((f"x > {hi}", "direction reversed"))
    else:
        neg.append((f"x < {lo} \\text{{ or }} x > {hi}", "complement"))
    return pos, neg


def rewrite_matrix(gold: str) -> Rewrite:
    """Matrices and vectors in other environments; sign, row and entry slips."""
    rows = exact.matrix_entries(gold)

    def build(entries: list[list[str]], env: str = "pmatrix") -> str:
        body = " \\\\ ".join(" & ".join(r) for r in entries)
        return f"\\begin{{{env}}} {body} \\end{{{env}}}"

    as_frac = [[latex_frac(exact.parse_number(e)) for e in r] for r in rows]
    pos = [(build(rows, "bmatrix"), "bmatrix"), (build(as_frac), "\\frac entries"), (build(rows).replace(" ", ""), "no spaces")]
    body = " \\\\ ".join(" & ".join(r) for r in rows)
    pos.append((f"\\left(\\begin{{array}}{{{'c' * len(rows[0])}}} {body} \\end{{array}}\\right)", "array in parentheses"))
    flat = [e for r in rows for e in r]
    neg = []
    first = rows[0][0]
    neg.append((build([[first[1:] if first.startswith("-") else "-" + first, *rows[0][1:]], *rows[1:]]), "one entry sign flipped"))
    if len(rows) > 1 and rows[0] != rows[1]:
        neg.append((build([rows[1], rows[0], *rows[2:]]), "rows swapped"))
    neg.append((build([*rows[:-1], [latex_frac(exact.parse_number(e) + 1) for e in rows[-1]]]), "last row off by one"))
    if len(flat) > 2 and len(rows[0]) == 1:
        neg.append((build(rows[:-1]), "entry dropped"))
    return pos, neg


def rewrite_base(gold: str) -> Rewrite:
    """Numbers with a base subscript; wrong base or digits."""
    digits, base = exact.base_number(gold)
    pos = [(f"{digits}_{{{base}}}", "braced base"), (f"{digits}_{base}", "bare base"), (f"\\text{{{digits}}}_{{{base}}}", "digits in \\text")]
    neg = [(f"{digits}_{{{base + 1}}}", "wrong base"), (f"{digits[::-1]}_{{{base}}}" if digits[::-1] != digits else f"{digits}0_{base}", "digits reversed")]
    last = int(digits[-1])
    neg.append((f"{digits[:-1]}{(last + 1) % base}_{base}", "last digit off"))
    return pos, neg


def rewrite_choice(gold: str) -> Rewrite:
    """Multiple-choice letters in common wrappers; other options."""
    letter = exact.choice_letter(gold)
    forms = [("({L})", "parenthesised letter"), ("{L}", "bare letter"), ("\\textbf{{({L})}}", "bold letter"), ("\\text{{({L})}}", "\\text letter"), ("\\mathrm{{({L})}}", "\\mathrm letter"), ("\\text{{{L}}}", "\\text bare letter")]
    others = [x for x in "ABCDE" if x != letter]
    pos = [(f.format(L=letter), n) for f, n in forms]
    neg = [(forms[i % len(forms)][0].format(L=other), "different option") for i, other in enumerate(others)]
    return pos, neg


_TEXT_ALTERNATIVES = {
    "east": ["west", "north", "south"],
    "even": ["odd", "neither"],
    "ellipse": ["hyperbola", "parabola", "circle"],
}


def rewrite_text(gold: str, question: str) -> Rewrite:
    """Word answers in other wrappers or case; other words from the problem."""
    word = exact.plain_text(gold)
    original = re.sub(r"\\text\{(.*)\}", r"\1", gold)
    pos = [(original, "bare word"), (f"\\textbf{{{original}}}", "bold"), (f"\\mathrm{{{original}}}", "\\mathrm"), (f"\\text{{{original.capitalize() if original.islower() else original.lower()}}}", "case changed")]
    alternatives = _TEXT_ALTERNATIVES.get(word)
    if alternatives is None:
        names = re.findall(r"\b[A-Z][a-z]{2,}\b", question)
        stop = {"The", "Which", "Who", "What", "How", "Each", "If", "In", "For", "Then", "She", "They", "Their"}
        alternatives = [n for n in dict.fromkeys(names) if n.lower() != word and n not in stop][:4]
    neg = [(f"\\text{{{alt}}}", "different word") for alt in alternatives]
    return pos, neg
