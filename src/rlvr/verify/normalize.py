"""Light, meaning-preserving normalisation of an answer string (model answer or gold).

Removes what never changes the value (math delimiters, spacing macros, `\\left`/`\\right`,
text wrappers, units, currency, degree and percent marks, thousands separators) and
rewrites LaTeX spellings to one form (`\\dfrac` -> `\\frac`, `\\frac59` -> `\\frac{5}{9}`,
`\\sqrt2` -> `\\sqrt{2}`). The percent and degree marks are kept as flags because they
change how a number compares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlvr.verify.latex import read_argument, unwrap_command

_UNICODE = {
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "\\times ", "\u00f7": "\\div ", "\u00b7": "\\cdot ",
    "\u22c5": "\\cdot ", "\u221a": "\\sqrt", "\u03c0": "\\pi ", "\u221e": "\\infty ", "\u2264": "\\le ", "\u2265": "\\ge ",
    "\u2260": "\\ne ", "\u222a": "\\cup ", "\u2229": "\\cap ", "\u00bd": "(1/2)", "\u00bc": "(1/4)", "\u00be": "(3/4)",
    "\u2032": "'", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u3000": " ", "\u00b1": "\\pm ", "\u2208": "\\in ",
}
_UNICODE_ROOT = re.compile(r"\u221a\s*(\d+(?:\.\d+)?|[A-Za-z])")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
# `\quadx`: no command but \quad and \qquad starts with "quad", so the letter after it lost its blank
_SPACING = re.compile(r"\\(?:,|;|:| |q?quad|displaystyle(?![A-Za-z])|textstyle(?![A-Za-z])|limits(?![A-Za-z])|nolimits(?![A-Za-z]))|~")
# `{,}` (with or without blanks) is LaTeX's thousands comma: `14{,}916`, `14 {, }916`
_BRACED_COMMA = re.compile(r"\s?\{\s?,\s?\}\s?")
_SIZING = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg|bigl|bigr|Bigl|Bigr|biggl|biggr|middle)(?![A-Za-z])\s*")
_DEGREES = re.compile(
    r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree(?![A-Za-z])|\u00b0|\^\s*\{\s*\\text\{o\}\s*\}|"
    r"(?<!\s)\s*\\?(?:text\{\s*)?\b(?:degrees?|deg)\b\}?",  # (?<!\s): one try per blank run, not one per blank
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\\%|%|(?<!\s)\s*\b(?:percent)\b", re.IGNORECASE)
_TEXT_WRAPPERS = (
    "text", "textbf", "textit", "textrm", "textnormal", "textsf", "texttt", "mathrm", "mathbf", "mathit", "mathsf",
    "mathtt", "mbox", "hbox", "emph", "boldsymbol", "bm", "mathnormal", "operatorname", "mathbb", "mathcal",
)
_UNIT_WORDS = frozenset(
    """
    dollar dollars cent cents usd euro euros pound pounds yen rupees
    mm cm dm m km meter meters metre metres centimeter centimeters kilometer kilometers millimeter millimeters
    inch inches in ft foot feet yard yards yd mile miles mi mph kmh kph
    sq square cubic cu units unit
    s sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks month months year years
    mg g kg gram grams kilogram kilograms lb lbs ounce ounces oz ton tons tonnes
    ml l liter liters litre litres gallon gallons quart quarts pint pints cup cups
    people persons students children kids apples eggs cookies pages books marbles balls cars boxes bags items pieces
    times ways points games
    """.split()
)
# measuring units and their one spelling; the count nouns above ("apples", "ways", "units") are not here,
# so "5 apples" and "5 pears" are not told apart, but "5 m" and "5 cm" are
_UNIT_NAMES = {
    **dict.fromkeys(["dollar", "dollars", "usd"], "$"), **dict.fromkeys(["cent", "cents"], "cent"),
    **dict.fromkeys(["euro", "euros"], "eur"), **dict.fromkeys(["yen"], "yen"), **dict.fromkeys(["rupees"], "inr"),
    **dict.fromkeys(["mm", "millimeter", "millimeters"], "mm"), **dict.fromkeys(["cm", "centimeter", "centimeters"], "cm"),
    "dm": "dm", **dict.fromkeys(["m", "meter", "meters", "metre", "metres"], "m"),
    **dict.fromkeys(["km", "kilometer", "kilometers"], "km"), **dict.fromkeys(["in", "inch", "inches"], "in"),
    **dict.fromkeys(["ft", "foot", "feet"], "ft"), **dict.fromkeys(["yd", "yard", "yards"], "yd"),
    **dict.fromkeys(["mi", "mile", "miles"], "mi"), "mph": "mph", **dict.fromkeys(["kmh", "kph"], "km/h"),
    **dict.fromkeys(["s", "sec", "secs", "second", "seconds"], "s"), **dict.fromkeys(["min", "mins", "minute", "minutes"], "min"),
    **dict.fromkeys(["h", "hr", "hrs", "hour", "hours"], "h"), **dict.fromkeys(["day", "days"], "day"),
    **dict.fromkeys(["week", "weeks"], "week"), **dict.fromkeys(["month", "months"], "month"), **dict.fromkeys(["year", "years"], "year"),
    "mg": "mg", **dict.fromkeys(["g", "gram", "grams"], "g"), **dict.fromkeys(["kg", "kilogram", "kilograms"], "kg"),
    **dict.fromkeys(["lb", "lbs", "pound", "pounds"], "lb"), **dict.fromkeys(["oz", "ounce", "ounces"], "oz"),
    **dict.fromkeys(["ton", "tons", "tonnes"], "ton"), "ml": "ml", **dict.fromkeys(["l", "liter", "liters", "litre", "litres"], "l"),
    **dict.fromkeys(["gallon", "gallons"], "gal"), **dict.fromkeys(["quart", "quarts"], "qt"),
    **dict.fromkeys(["pint", "pints"], "pt"), **dict.fromkeys(["cup", "cups"], "cup"),
}
_UNIT_POWERS = {"sq": 2, "square": 2, "cubic": 3, "cu": 3}
_UNIT_WORD = re.compile(r"\\?([A-Za-z]+)\.?(?:\^\{?([23])\}?)?")
_NOT_NOUNS = frozenset("or and to of by over plus minus times hundred thousand million billion trillion sin cos tan log ln pi".split())
# possessive quantifiers: a letter run is one word and is never re-split, so each candidate
# split point costs at most its three words; plain `[A-Za-z]+` here backtracks polynomially
_UNIT_TAIL = re.compile(r"^(?P<value>.*?[\d}])\s*+(?P<unit>(?:\\?[A-Za-z]++\.?+(?:\^\{?[23]\}?)?+\s*+){1,3}+)$")
_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_THOUSANDS_SPACE = re.compile(r"^[-+]?\d{1,3}(?: \d{3})+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised answer string with the marks that were removed from it."""

    text: str
    percent: bool = False
    degrees: bool = False
    currency: bool = False
    # the measuring unit that was removed, in one spelling (`cm^2`, `$`), or None
    unit: str | None = None


# JSON may spell a lone UTF-16 surrogate ("\ud83d"); it is no character, and no UTF-8 output
# (a verdict written as JSON, a reply, a tokenizer) can carry it
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_text(text: str) -> str:
    """`text` with every lone UTF-16 surrogate replaced by U+FFFD, as a UTF-8 decoder would."""
    if text.isascii():  # most text; a far cheaper scan than the pattern's
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def normalize(raw: str) -> Normalized:
    """Normalise one answer string; see the module docstring for what changes."""
    text = _ZERO_WIDTH.sub("", raw)
    # a unicode root sign covers the number or letter right after it: √113 is \sqrt{113}
    text = _UNICODE_ROOT.sub(r"\\sqrt{\1}", text)
    for char, replacement in _UNICODE.items():
        if char in text:
            text = text.replace(char, replacement)
    currency = "\\$" in text or bool(re.search(r"\$\s*\d", text) and text.count("$") % 2 == 1)
    text = text.replace("\\$", "")
    text = text.replace("$", "")
    text = text.replace("\\(", " ").replace("\\)", " ").replace("\\[", " ").replace("\\]", " ")
    text = _SIZING.sub("", text)
    # protect the row separator `\\` so `\ ` (a space macro) is not read inside it
    text = re.sub(r",\s*\\!\s*", ",", text).replace("\\!", "")
    text = text.replace("\\\\", "\u0000")
    text = _SPACING.sub(" ", text).replace("\u0000", "\\\\")
    text = _BRACED_COMMA.sub("", text).replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac")
    text = text.replace("\\leqslant", "\\le ").replace("\\geqslant", "\\ge ").replace("<=", "\\le ").replace(">=", "\\ge ")
    text = re.sub(r"\\(le|ge|ne)q(?![A-Za-z])", r"\\\1 ", text)
    degrees = False
    if _DEGREES.search(text):
        degrees = True
        text = _DEGREES.sub("", text)
    percent = False
    if _PERCENT.search(text):
        percent = True
        text = _PERCENT.sub("", text)
    text = unwrap_command(text, _TEXT_WRAPPERS)
    text = _canonical_macros(text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.rstrip(".").strip()
    text, unit = _strip_units(text)
    text = text.rstrip(".").strip()
    if _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif _THOUSANDS_SPACE.match(text):
        text = text.replace(" ", "")
    if unit is None and currency:
        unit = "$"
    return Normalized(text, percent=percent, degrees=degrees, currency=currency, unit=unit)


def compact(text: str) -> str:
    """The string-match key: no whitespace, no redundant braces around single tokens."""
    # blanks between two digits are kept: `2 7` is not the number 27 (thousands groups such as
    # `1 260` were joined by `normalize` already, where that reading is the only one)
    key = re.sub(r"(?<=\d)\s+(?=\d)", " ", text)
    key = re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", key)
    key = re.sub(r"\{(\w)\}", r"\1", key) if "\\" not in key else key
    return key


def units_differ(answer: Normalized, gold: Normalized) -> bool:
    """Both sides name a measuring unit and the units differ (`5 m` for `5 cm`).

    A unit on one side only is not held against the answer: golds often omit the unit the
    problem asked for, and answers often add it. No unit is converted: `0.5 m` is not `50 cm`.
    """
    return answer.unit is not None and gold.unit is not None and answer.unit != gold.unit


def _strip_units(text: str) -> tuple[str, str | None]:
    """Remove a trailing unit or count noun; return the value and the unit's one spelling (None for nouns)."""
    match = _UNIT_TAIL.match(text)
    if match is None:
        return text, None
    words = re.findall(r"\\?[A-Za-z]+", match.group("unit"))
    value = match.group("value").strip()
    if not words or not value or not re.search(r"\d", value) or any(word.startswith("\\") for word in words):
        return text, None
    if all(word.lower() in _UNIT_WORDS for word in words):
        return value, _unit_key(match.group("unit"))
    # a count with its noun ("160 chairs"): any lowercase words after a plain number
    if re.fullmatch(r"[-+]?\d[\d,]*(?:\.\d+)?", value) and all(
        len(word) >= 2 and word.islower() and word not in _NOT_NOUNS for word in words
    ):
        return value, None
    return text, None


def _unit_key(unit: str) -> str | None:
    """`square cm`, `cm^2` and `sq centimeters` -> `cm^2`; None when no measuring unit is named."""
    parts: list[str] = []
    power = 1
    for match in _UNIT_WORD.finditer(unit):
        word = match.group(1).lower()
        if word in _UNIT_POWERS:
            power = _UNIT_POWERS[word]
            continue
        name = _UNIT_NAMES.get(word)
        if name is None:
            continue  # "units", "unit": a count, not a measure
        power = int(match.group(2)) if match.group(2) else power
        parts.append(name if power == 1 else f"{name}^{power}")
        power = 1
    return " ".join(parts) or None


def _canonical_macros(text: str) -> str:
    """Give `\\frac` and `\\sqrt` braced arguments: `\\frac59` -> `\\frac{5}{9}`, `\\sqrt2` -> `\\sqrt{2}`."""
    if "\\frac" not in text and "\\sqrt" not in text and "\\binom" not in text:
        return text
    out: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        if text.startswith("\\frac", index) and not text[index + 5 : index + 6].isalpha():
            rewritten = _rewrite_args(text, index + 5, 2)
            if rewritten is not None:
                body, index = rewritten
                out.append("\\frac" + body)
                continue
        if text.startswith("\\binom", index) and not text[index + 6 : index + 7].isalpha():
            rewritten = _rewrite_args(text, index + 6, 2)
            if rewritten is not None:
                body, index = rewritten
                out.append("\\binom" + body)
                continue
        if text.startswith("\\sqrt", index) and not text[index + 5 : index + 6].isalpha():
            start = index + 5
            root = ""
            while start < length and text[start] == " ":
                start += 1
            if start < length and text[start] == "[":
                close = text.find("]", start)
                if close > 0:
                    root = text[start : close + 1]
                    start = close + 1
            rewritten = _rewrite_args(text, start, 1)
            if rewritten is not None:
                body, index = rewritten
                out.append("\\sqrt" + root + body)
                continue
        out.append(text[index])
        index += 1
    return "".join(out)


def _rewrite_args(text: str, start: int, count: int) -> tuple[str, int] | None:
    parts: list[str] = []
    index = start
    for _ in range(count):
        argument = read_argument(text, index)
        if argument is None:
            return None
        body, index = argument
        parts.append("{" + _canonical_macros(body).strip() + "}")
    return "".join(parts), index
