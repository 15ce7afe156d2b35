"""Real functions from the pure-Python `algorithms` package (PyPI), each with an input generator.

Only deterministic, fast, side-effect-free functions are listed, in three tiers of reading
effort (1: a loop or two; 2: classic sorts, searches, string and DP routines; 3: graphs,
regular expressions, nested DP). A generator draws arguments of a given `size` (list or
string length, magnitude of numbers). `snippet` rebuilds each function as standalone code:
the module's standard-library imports, the function's source (`inspect.getsource` of the
installed package at generation time) and the sources of the module-level helpers it calls,
so the sandbox needs no third-party package. `tests/tasks/test_code_library.py` runs every
entry's snippet against the package's own function.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

from rlvr.tasks.base import TaskError

PACKAGE = "algorithms"
INSTALL_HINT = "the code tasks need the `algorithms` package: pip install 'rlvr[data]' (or pip install algorithms)"

Gen = Callable[[random.Random, int], tuple[Any, ...]]


@dataclass(frozen=True)
class Entry:
    """One library function: where it lives, its tier (1..3) and how to draw its arguments."""

    module: str  # below `algorithms.`, e.g. "sorting.bubble_sort"
    function: str
    tier: int
    generate: Gen

    @property
    def key(self) -> str:
        return f"{self.module}.{self.function}"


# Argument generators ----------------------------------------------------------------------

def _ints(rng: random.Random, n: int, low: int = 0, high: int = 20) -> list[int]:
    return [rng.randint(low, high) for _ in range(n)]


def _word(rng: random.Random, n: int, letters: str = "abcde") -> str:
    return "".join(rng.choice(letters) for _ in range(max(n, 1)))


def _sorted_query(rng: random.Random, size: int) -> tuple[Any, ...]:
    array = sorted(_ints(rng, size, 0, 3 * size))
    query = rng.choice(array) if rng.random() < 0.7 else rng.randint(0, 3 * size)
    return array, query


def _rotated(rng: random.Random, size: int) -> list[int]:
    array = sorted(set(_ints(rng, size + 2, 0, 4 * size)))
    k = rng.randrange(len(array))
    return array[k:] + array[:k]


def _text(rng: random.Random, size: int) -> str:
    words = [_word(rng, rng.randint(2, 5), "abcdeiouxyz") for _ in range(max(1, size // 3))]
    return " ".join(words)


def _decode(rng: random.Random, size: int) -> str:
    depth = 1 + size // 6
    def build(level: int) -> str:
        parts = []
        for _ in range(rng.randint(1, 2)):
            inner = _word(rng, rng.randint(1, 2), "abc")
            if level < depth and rng.random() < 0.6:
                inner += build(level + 1)
            parts.append(f"{rng.randint(2, 3)}[{inner}]")
        return "".join(parts)
    return build(1)


def _adjacency(rng: random.Random, size: int) -> list[list[int]]:
    n = 3 + size // 3
    matrix = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < 0.35:
                matrix[i][j] = matrix[j][i] = 1
    return matrix


def _components(rng: random.Random, size: int) -> tuple[Any, ...]:
    n = 3 + size // 2
    adjacency: list[list[int]] = [[] for _ in range(n + 1)]  # vertices 1..n, as the function expects
    for _ in range(n - 1):
        a, b = rng.sample(range(1, n + 1), 2)
        if b not in adjacency[a]:
            adjacency[a].append(b)
            adjacency[b].append(a)
    return adjacency, n


def _grid(rng: random.Random, size: int) -> list[list[int]]:
    rows, cols = 3 + size // 4, 3 + size // 3
    return [[int(rng.random() < 0.4) for _ in range(cols)] for _ in range(rows)]


def _regex(rng: random.Random, size: int) -> tuple[Any, ...]:
    text = _word(rng, max(2, size // 2), "ab")
    pattern = "".join(rng.choice(["a", "b", ".", "a*", "b*", ".*"]) for _ in range(max(2, size // 3)))
    return text, pattern


def _word_break(rng: random.Random, size: int) -> tuple[Any, ...]:
    words = sorted({_word(rng, rng.randint(1, 3), "ab") for _ in range(3)})
    target = "".join(rng.choice(words) for _ in range(max(2, size // 3)))
    if rng.random() < 0.4:
        target += rng.choice("ab")
    return target, set(words)


def _justify(rng: random.Random, size: int) -> tuple[Any, ...]:
    words = [_word(rng, rng.randint(1, 5), "abcdefg") for _ in range(max(2, size // 2))]
    return words, rng.randint(6, 10)


def _roman(rng: random.Random, size: int) -> tuple[Any, ...]:
    return (rng.randint(1, min(3999, 10 * size * size)),)


def _pairs_and_one(rng: random.Random, size: int) -> list[int]:
    pairs = rng.sample(range(1, 40), max(1, size // 2))
    values = pairs + pairs + [rng.randint(40, 60)]
    rng.shuffle(values)
    return values


def _intervals(rng: random.Random, size: int) -> tuple[Any, ...]:
    out = []
    for _ in range(max(2, size // 2)):
        start = rng.randint(0, 3 * size)
        out.append([start, start + rng.randint(0, 4)])
    return (out,)


ENTRIES: tuple[Entry, ...] = (
    # Tier 1: a loop or two
    Entry("sorting.bubble_sort", "bubble_sort", 1, lambda r, s: (_ints(r, s),)),
    Entry("sorting.insertion_sort", "insertion_sort", 1, lambda r, s: (_ints(r, s),)),
    Entry("sorting.selection_sort", "selection_sort", 1, lambda r, s: (_ints(r, s),)),
    Entry("searching.linear_search", "linear_search", 1, lambda r, s: (_ints(r, s), r.randint(0, 20))),
    Entry("searching.binary_search", "binary_search", 1, _sorted_query),
    Entry("string.reverse_vowel", "reverse_vowel", 1, lambda r, s: (_word(r, s, "abeiouxyz"),)),
    Entry("string.atbash_cipher", "atbash", 1, lambda r, s: (_text(r, s + 3),)),
    Entry("string.caesar_cipher", "caesar_cipher", 1, lambda r, s: (_text(r, s + 3), r.randint(1, 25))),
    Entry("string.int_to_roman", "int_to_roman", 1, _roman),
    Entry("string.judge_circle", "judge_circle", 1, lambda r, s: (_word(r, s, "UDLR"),)),
    Entry("string.first_unique_char", "first_unique_char", 1, lambda r, s: (_word(r, s, "abcd"),)),
    Entry("dynamic_programming.house_robber", "house_robber", 1, lambda r, s: (_ints(r, s),)),
    Entry("dynamic_programming.max_subarray", "max_subarray", 1, lambda r, s: (_ints(r, s, -10, 10),)),
    Entry("dynamic_programming.climbing_stairs", "climb_stairs", 1, lambda r, s: (r.randint(1, s + 3),)),
    Entry("math.gcd", "gcd", 1, lambda r, s: (r.randint(1, 10 * s), r.randint(1, 10 * s))),
    Entry("bit_manipulation.count_ones", "count_ones_iter", 1, lambda r, s: (r.randint(0, 2 ** (s + 2)),)),
    Entry("bit_manipulation.binary_gap", "binary_gap", 1, lambda r, s: (r.randint(1, 2 ** (s + 2)),)),
    Entry("array.move_zeros", "move_zeros", 1, lambda r, s: (_ints(r, s, 0, 3),)),
    Entry("array.plus_one", "plus_one_v1", 1, lambda r, s: ([r.randint(1, 9)] + _ints(r, s // 2, 0, 9),)),
    Entry("array.summarize_ranges", "summarize_ranges", 1, lambda r, s: (sorted(set(_ints(r, s, 0, 2 * s))),)),
    Entry("math.hailstone", "hailstone", 1, lambda r, s: (r.randint(2, 3 * s),)),
    # Tier 2: classic sorts, searches, string and DP routines
    Entry("sorting.gnome_sort", "gnome_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.cocktail_shaker_sort", "cocktail_shaker_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.comb_sort", "comb_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.counting_sort", "counting_sort", 2, lambda r, s: (_ints(r, s, -5, 10),)),
    Entry("sorting.merge_sort", "merge_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.quick_sort", "quick_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.heap_sort", "max_heap_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.shell_sort", "shell_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.pancake_sort", "pancake_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("sorting.cycle_sort", "cycle_sort", 2, lambda r, s: (_ints(r, s),)),
    Entry("searching.first_occurrence", "first_occurrence", 2, _sorted_query),
    Entry("searching.last_occurrence", "last_occurrence", 2, _sorted_query),
    Entry("searching.search_insert", "search_insert", 2, _sorted_query),
    Entry("searching.search_range", "search_range", 2, _sorted_query),
    Entry("searching.find_min_rotate", "find_min_rotate", 2, lambda r, s: (_rotated(r, s),)),
    Entry("searching.search_rotate", "search_rotate", 2, lambda r, s: (_rotated(r, s), r.randint(0, 4 * s))),
    Entry("searching.jump_search", "jump_search", 2, _sorted_query),
    Entry("string.add_binary", "add_binary", 2, lambda r, s: ("1" + _word(r, s // 2, "01"), "1" + _word(r, s // 3, "01"))),
    Entry("string.decode_string", "decode_string", 2, lambda r, s: (_decode(r, s),)),
    Entry("string.count_binary_substring", "count_binary_substring", 2, lambda r, s: (_word(r, s, "01"),)),
    Entry("string.longest_common_prefix", "longest_common_prefix_v1", 2,
          lambda r, s: ([_word(r, 2, "ab") + _word(r, r.randint(0, s // 2), "abc") for _ in range(3)],)),
    Entry("string.one_edit_distance", "is_one_edit", 2, lambda r, s: (_word(r, s // 2 + 1, "ab"), _word(r, s // 2 + 1, "ab"))),
    Entry("string.multiply_strings", "multiply", 2, lambda r, s: (str(r.randint(1, 10 ** (1 + s // 4))), str(r.randint(1, 10 ** (1 + s // 5))))),
    Entry("string.delete_reoccurring", "delete_reoccurring_characters", 2, lambda r, s: (_word(r, s, "abcdef"),)),
    Entry("string.license_number", "license_number", 2, lambda r, s: (_word(r, s, "ab12-"), r.randint(2, 4))),
    Entry("string.group_anagrams", "group_anagrams", 2, lambda r, s: ([_word(r, 3, "abt") for _ in range(max(2, s // 2))],)),
    Entry("dynamic_programming.edit_distance", "edit_distance", 2, lambda r, s: (_word(r, s // 2 + 1, "abc"), _word(r, s // 2 + 1, "abc"))),
    Entry("dynamic_programming.longest_common_subsequence", "longest_common_subsequence", 2,
          lambda r, s: (_word(r, s // 2 + 1, "abc"), _word(r, s // 2 + 1, "abc"))),
    Entry("dynamic_programming.longest_increasing", "longest_increasing_subsequence", 2, lambda r, s: (_ints(r, s),)),
    Entry("dynamic_programming.num_decodings", "num_decodings", 2, lambda r, s: (_word(r, s, "1226"),)),
    Entry("dynamic_programming.coin_change", "count", 2, lambda r, s: (sorted(r.sample(range(1, 8), 3)), r.randint(1, 2 * s))),
    Entry("dynamic_programming.buy_sell_stock", "max_profit_optimized", 2, lambda r, s: (_ints(r, s, 1, 20),)),
    Entry("dynamic_programming.rod_cut", "cut_rod", 2, lambda r, s: (sorted(_ints(r, max(2, s // 2), 1, 20)),)),
    Entry("math.euler_totient", "euler_totient", 2, lambda r, s: (r.randint(2, 10 * s),)),
    Entry("math.extended_gcd", "extended_gcd", 2, lambda r, s: (r.randint(1, 10 * s), r.randint(1, 10 * s))),
    Entry("math.base_conversion", "int_to_base", 2, lambda r, s: (r.randint(0, 20 * s * s), r.choice([2, 3, 5, 8, 16]))),
    Entry("math.next_bigger", "next_bigger", 2, lambda r, s: (r.randint(10, 10 ** (2 + s // 4)),)),
    Entry("math.modular_exponential", "modular_exponential", 2, lambda r, s: (r.randint(2, 9), r.randint(1, 4 * s), r.randint(2, 50))),
    Entry("math.primes_sieve_of_eratosthenes", "get_primes", 2, lambda r, s: (r.randint(2, 6 * s),)),
    Entry("math.is_strobogrammatic", "is_strobogrammatic", 2, lambda r, s: (_word(r, s // 2 + 1, "01689"),)),
    Entry("array.merge_intervals", "merge_intervals", 2, lambda r, s: _intervals(r, s)),
    Entry("array.missing_ranges", "missing_ranges", 2, lambda r, s: (sorted(set(_ints(r, s, 0, 3 * s))), 0, 3 * s)),
    Entry("array.rotate", "rotate_v1", 2, lambda r, s: (_ints(r, s), r.randint(1, s + 2))),
    Entry("array.delete_nth", "delete_nth", 2, lambda r, s: (_ints(r, s, 0, 4), r.randint(1, 2))),
    Entry("array.max_ones_index", "max_ones_index", 2, lambda r, s: (_ints(r, s, 0, 1),)),
    Entry("array.two_sum", "two_sum", 2, lambda r, s: (_ints(r, s), r.randint(0, 30))),
    Entry("array.top_1", "top_1", 2, lambda r, s: (_ints(r, s, 0, 5),)),
    Entry("array.remove_duplicates", "remove_duplicates", 2, lambda r, s: (_ints(r, s, 0, 6),)),
    Entry("array.longest_non_repeat", "longest_non_repeat_v1", 2, lambda r, s: (_word(r, s, "abcdef"),)),
    Entry("bit_manipulation.gray_code", "gray_code", 2, lambda r, s: (r.randint(1, 2 + s // 4),)),
    Entry("bit_manipulation.single_number", "single_number", 2, lambda r, s: (_pairs_and_one(r, s),)),
    Entry("bit_manipulation.swap_pair", "swap_pair", 2, lambda r, s: (r.randint(0, 2 ** (s + 2)),)),
    Entry("bit_manipulation.flip_bit_longest_sequence", "flip_bit_longest_seq", 2, lambda r, s: (r.randint(0, 2 ** (s + 2)),)),
    Entry("string.roman_to_int", "roman_to_int", 2, lambda r, s: (_to_roman(r.randint(1, min(3999, 10 * s * s))),)),
    # Tier 3: graphs, regular expressions, nested DP
    Entry("array.three_sum", "three_sum", 3, lambda r, s: (_ints(r, s, -6, 6),)),
    Entry("bit_manipulation.subsets", "subsets", 3, lambda r, s: (r.sample(range(1, 10), min(4, 1 + s // 4)),)),
    Entry("dynamic_programming.egg_drop", "egg_drop", 3, lambda r, s: (r.randint(1, 3), r.randint(1, 2 * s))),
    Entry("dynamic_programming.word_break", "word_break", 3, _word_break),
    Entry("dynamic_programming.regex_matching", "is_match", 3, _regex),
    Entry("dynamic_programming.int_divide", "int_divide", 3, lambda r, s: (r.randint(1, s + 2),)),
    Entry("dynamic_programming.min_cost_path", "min_cost", 3,
          lambda r, s: ((lambda n: [[0 if j <= i else r.randint(1, 20) for j in range(n)] for i in range(n)])(2 + s // 3),)),
    Entry("dynamic_programming.combination_sum", "combination_sum_bottom_up", 3, lambda r, s: (sorted(r.sample(range(1, 6), 3)), r.randint(1, s + 2))),
    Entry("graph.count_islands_bfs", "count_islands", 3, lambda r, s: (_grid(r, s),)),
    Entry("graph.check_bipartite", "check_bipartite", 3, lambda r, s: (_adjacency(r, s),)),
    Entry("graph.count_connected_number_of_component", "count_components", 3, _components),
    Entry("graph.all_factors", "get_factors", 3, lambda r, s: (r.choice([12, 16, 18, 24, 30, 32, 36, 48, 60, 64, 72, 96][: 3 + s // 2]),)),
    Entry("string.text_justification", "text_justification", 3, _justify),
    Entry("string.longest_palindromic_substring", "longest_palindrome", 3, lambda r, s: (_word(r, s, "abc"),)),
    Entry("string.knuth_morris_pratt", "knuth_morris_pratt", 3, lambda r, s: (_word(r, s + 2, "ab"), _word(r, 2, "ab"))),
    Entry("string.z_algorithm", "z_search", 3, lambda r, s: (_word(r, s + 2, "ab"), _word(r, 2, "ab"))),
    Entry("math.nth_digit", "find_nth_digit", 3, lambda r, s: (r.randint(1, 10 * s * s),)),
    Entry("math.num_perfect_squares", "num_perfect_squares", 3, lambda r, s: (r.randint(1, 20 * s),)),
    Entry("math.goldbach", "goldbach", 3, lambda r, s: (2 * r.randint(2, 10 * s),)),
)


def _to_roman(number: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def entries(max_tier: int) -> tuple[Entry, ...]:
    """The entries up to tier `max_tier`, in a fixed order."""
    return tuple(e for e in ENTRIES if e.tier <= max_tier)


def _module(entry: Entry) -> ModuleType:
    try:
        return importlib.import_module(f"{PACKAGE}.{entry.module}")
    except ImportError:
        raise TaskError(INSTALL_HINT) from None


def function_of(entry: Entry) -> Callable[..., Any]:
    """The installed package's function for `entry`."""
    function = getattr(_module(entry), entry.function, None)
    if not inspect.isfunction(function):
        raise TaskError(f"algorithms.{entry.module} has no function {entry.function}; {INSTALL_HINT}")
    return function


@lru_cache(maxsize=None)
def snippet(entry: Entry) -> str:
    """Standalone source for `entry`: the module's stdlib imports, the function and the helpers it calls."""
    module = _module(entry)
    source = inspect.getsource(module)
    tree = ast.parse(source)
    imports = [ast.get_source_segment(source, node) for node in tree.body
               if isinstance(node, (ast.Import, ast.ImportFrom))
               and not (isinstance(node, ast.ImportFrom) and (node.module == "__future__" or (node.module or "").startswith(PACKAGE)))
               and not (isinstance(node, ast.Import) and any(a.name.startswith(PACKAGE) for a in node.names))]
    defined: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined[node.name] = node
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            defined.update({t.id: node for t in node.targets})  # module constants such as _INT_MAX
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined[node.target.id] = node
    needed: list[str] = []

    def visit(name: str) -> None:
        if name in needed:
            return
        needed.append(name)
        for node in ast.walk(defined[name]):
            if isinstance(node, ast.Name) and node.id in defined and node.id != name:
                visit(node.id)

    visit(entry.function)
    nodes = [node for node in tree.body if any(defined.get(name) is node for name in needed)]  # the module's order
    lines = source.splitlines()
    # A node's lines from its first decorator to its end (get_source_segment drops decorators).
    sources = ["\n".join(lines[min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1:node.end_lineno])
               for node in nodes]
    head = "\n".join(i for i in imports if i)
    return (head + "\n\n\n" if head else "") + "\n\n\n".join(sources) + "\n"


def compile_snippet(entry: Entry) -> Callable[..., Any]:
    """`entry`'s function rebuilt from its snippet alone (trusted package code, run in-process)."""
    namespace: dict[str, Any] = {"__name__": f"rlvr_snippet_{entry.function}"}
    exec(compile(snippet(entry), f"<{entry.key}>", "exec"), namespace)  # noqa: S102 - trusted library source
    return namespace[entry.function]
