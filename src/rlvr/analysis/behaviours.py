"""The four cognitive behaviours of a reasoning response, found by documented rules.

Definitions (Gandhi et al. 2025, "Cognitive Behaviors that Enable Self-Improving Reasoners, or,
Four Habits of Highly Effective STaRs", arXiv:2503.01307, section 2):
- verification: systematic error-checking of an intermediate or final result
  ("let me check: 3*4+2 = 14 ✓", substituting a root back in);
- backtracking: explicitly abandoning a failing step or approach and trying another
  ("wait, that's wrong", "this approach doesn't work, let's try ...");
- subgoal setting: breaking the problem into smaller steps before or while solving it
  ("first we need to find r, then the volume", "Step 1: ...");
- enumeration: going through cases or candidates one by one ("Case 1 ... Case 2 ...",
  "if x = 1 ... if x = 2 ...").
Gandhi et al.'s fourth behaviour is backward chaining; SimpleRL-Zoo (Zeng et al. 2025,
arXiv:2503.18892) tracks enumeration in its place, and rlvr follows SimpleRL-Zoo. Both papers
label behaviours with an LLM judge; rlvr ships these rules as the default (no model needed)
and offers a judge through any OpenAI-compatible endpoint (`rlvr.analysis.judge`).

Each behaviour is a set of regular expressions; a response shows the behaviour when any of
them matches (enumeration: when at least two distinct case markers appear). The rules were
written against the dev half of `data/behaviours.jsonl` only; the held-out half gives the
reported precision and recall (benchmarks/analysis/RESULTS.md). Every pattern is a flat
alternation with bounded gaps (no nested repetition), and whitespace runs are matched only from
their first character and possessively, so matching is linear in the length: a 1 MB response of
newlines, blanks or repeated keywords classifies in well under a second of CPU
(tests/analysis/test_behaviours.py; before, 2,000 newlines took 2.8 s, growing with the cube).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rlvr.analysis.errors import AnalysisError

BEHAVIOURS: tuple[str, ...] = ("verification", "backtracking", "subgoal_setting", "enumeration")

_I = re.IGNORECASE
_IM = re.IGNORECASE | re.MULTILINE
# The start of a line, blank lines and indentation skipped. A match may begin only at the start of
# the whitespace run (after a non-blank character, or at the very start), and the run is taken
# possessively: a run of n blanks is then scanned once, not once per position in it (`(?:^|\n)\s*`
# re-scanned it from every newline, quadratic; `\s+\s*` after a full stop split it every way, cubic).
_LINE = r"(?:\A\s*+|(?<!\s)[^\S\n]*+\n\s*+)"
# the start of a sentence or clause: where "wait", "first" and "case 1" must stand to count
_START = r"(?:" + _LINE + r"|(?<=[.!?:;])\s++)(?:[-*>]\s*+|\*\*)?"

# things one checks in a solution (so "check the weather" or "verify your email" does not count)
_OBJECT = (
    r"(?:answers?|results?|solutions?|work|calculations?|computations?|arithmetic|math|sums?|totals?|products?|"
    r"values?|steps?|equations?|reasoning|logic|code|outputs?|function|claims?|conditions?|constraints?|"
    r"derivation|factori[sz]ation|roots?|units|indices|bounds?|(?:base|boundary|edge)\s+cases?|formula|identity|inequality|count|"
    r"examples?|tests?|consistency|division|multiplication|addition|subtraction|invariants?|endpoints?|property|cases?)"
)
_CHECK_VERB = r"(?:double[- ]?check|re-?check|check|verify|confirm|validate|test|make\s+sure|recompute|recalculate|recount)"

_VERIFICATION = [
    re.compile(
        r"\b(?:let\s+me|let's|let\s+us|I'll|we'll|(?:I|we)(?:\s+(?:will|should|can|must|now))?|now|quick(?:ly)?|to)\s+"
        + _CHECK_VERB
        + r"(?:\s*[:,.]|\s+(?:whether|if|that|this|it|them|again|by|against|with|using)\b|\s+-?\d[\d./^]*\s*[:,.]"
        r"|(?:\s+(?:the|my|our|each|both|all|these|those|this|that|every)){1,2}\s+" + _OBJECT + r"\b"
        r"|\s+" + _OBJECT + r"\b)",
        _I,
    ),
    re.compile(r"\b(?:sanity[- ]check(?:ing)?|cross[- ]check(?:ing)?|back[- ]substituting)\b", _I),
    # a gerund opening a sentence: "Confirming with small cases: ...", "Validating the solution: ..."
    re.compile(
        _START + r"(?:confirming|validating|verifying|checking|testing|double[- ]checking|re-?checking)\b(?!\s+(?:all|each|every)\b)[^.\n:]{0,40}:"
        r"|" + _START + r"(?:confirming|validating|verifying)\s+(?:with|by|that|the|this|our|my)\b",
        _IM,
    ),
    re.compile(
        r"\b(?:I|we)\s+(?:double[- ]?checked|re-?checked|checked|verified|confirmed)\b(?!\s+(?:in|out)\b)"
        r"|\bis\s+(?:this|that|it)\s+really\b|\blet(?:'s|\s+me|\s+us)\s+see\s+(?:if|whether)\b"
        r"|\bgo(?:ing)?\s+(?:back\s+)?over\s+(?:my|the|our)\s+(?:work|arithmetic|steps|calculations?|solution)\b",
        _I,
    ),
    re.compile(
        _START + r"(?:verif(?:y|ying|ication)|(?:quick\s+)?(?:re-?|double[- ])?check(?:ing)?(?:\s+(?:of|with)\s+(?:the\s+|a\s+)?\w+)?)\s*:",
        _IM,
    ),
    # an imperative or gerund opening a sentence or list item: "Step 2: check the solution ..."
    re.compile(
        _START + r"(?:double[- ]?check|re-?check|check|verify|confirm|validate)(?:ing)?\s+(?:(?:the|my|our|each|both|all|that|this)\s+)?"
        + _OBJECT + r"\b",
        _IM,
    ),
    re.compile(
        r"\bdoes\s+(?:this|that|it)\s+(?:answer\s+|result\s+)?make\s+sense\b|\blet\s+(?:me|us)\s+see\s+(?:if|whether)\b"
        r"|\bcheck(?:ed)?\s+against\b|\b(?:that's|that\s+is|which\s+is|it's|it\s+is)\s+consistent\b|\bsame\s+as\s+(?:before|the\s+\w+\s+gave)"
        r"|\b(?:run|trace|walk)\s+through\s+(?:the|this|it)\b[^.\n]{0,40}?\bby\s+hand\b|\btrac(?:e|ing)\s+(?:the|this)\s+(?:code|function|loop|program)\b",
        _I,
    ),
    re.compile(r"\b(?:substitut\w*|plug\w*|put\w*)\b[^.\n]{0,50}?\bback\b", _I),
    re.compile(r"\b(?:substitut\w*|plug\w*)\b[^.\n]{0,50}?\binto\s+the\s+original\b", _I),
    re.compile(
        r"\b(?:which|this|that|it)\s+(?:confirms|checks\s+out|agrees\s+with|is\s+consistent|matches\s+the)\b"
        r"|\bthat\s+matches\b[.!]?|\bas\s+(?:expected|required|it\s+should)\b|\b(?:so|and)\s+(?:it|this|the\s+\w+)\s+(?:holds|checks\s+out)\b",
        _I,
    ),
    re.compile(r"\bverif(?:y|ied|ying)\b[^.\n]{0,40}?\b(?:correct|holds|works|satisf\w*|true)\b", _I),
    re.compile(r"[\u2713\u2714]|\\checkmark"),
]

_BACKTRACKING = [
    # "wait," opening a sentence; "wait for the bus", "wait times" are not backtracking
    re.compile(
        _START + r"(?:(?:hmm+|oh|oops|ah|no)[,.]?\s+)?(?:wait|hold\s+on)\b(?!\s+(?:for|until|till|times?|staff|list|in|on|at|to|and\s+see)\b)",
        _IM,
    ),
    re.compile(r"\b(?:I|we)\s+(?:made|have\s+made|'ve\s+made|make)\s+(?:a|an)\s+(?:\w+\s+)?(?:mistake|error)\b", _I),
    re.compile(r"\b(?:I|we)\s+(?:mis(?:read|calculated|counted|applied|copied|understood)|messed\s+up|got\s+(?:it|that)\s+wrong|forgot)\b", _I),
    re.compile(r"\b(?:oops|scratch\s+that|on\s+second\s+thought|dead\s+end|that\s+(?:can't|cannot)\s+be\s+right)\b", _I),
    re.compile(
        r"\b(?:that|this)(?:'s|\s+is|\s+was)\s+(?:wrong|incorrect|not\s+(?:right|correct)|a\s+mistake)\b"
        r"|\b(?:that|this)\s+(?:answer|result|value)\s+is\s+(?:wrong|incorrect)\b",
        _I,
    ),
    re.compile(
        r"\b(?:this|that|the|my)\s+(?:\w+\s+)?(?:approach|method|path|idea|attempt|choice|strategy)\s+"
        r"(?:doesn't|does\s+not|won't|will\s+not|didn't|did\s+not|fails|failed|is\s+not\s+working)\b",
        _I,
    ),
    re.compile(r"\b(?:that|this|it)\s+(?:didn't|did\s+not|doesn't|does\s+not)\s+work\b", _I),
    re.compile(
        r"\blet(?:'s|\s+me|\s+us)\s+(?:try\s+(?:again|a\s+different|another|something\s+else)|start\s+over|redo|rethink|reconsider|go\s+back|recompute|recount)\b"
        r"|\b(?:I'll|I\s+will|I\s+need\s+to|we\s+need\s+to)\s+(?:redo|rethink|reconsider|start\s+over|go\s+back)\b",
        _I,
    ),
    re.compile(r"\b(?:go(?:ing)?|went|step(?:ping)?)\s+back\s+to\s+(?:the\s+|my\s+|our\s+)?(?:step|start|beginning|first|original|assumption|drawing|equation)", _I),
    re.compile(r"\b(?:abandon|discard|drop)\s+(?:this|that|the)\s+(?:approach|idea|path|method|attempt)\b", _I),
    re.compile(r"(?:" + _LINE + r"|(?<=[.!?]\s)\s*+)(?:actually|no|hmm++),?\s++(?:no\b|that's|this\s+is|I\s+was|it's\s+not|it\s+isn't)", _IM),
    re.compile(r"\bredo(?:ing)?\s+(?:it|this|that|the\s+\w+)\b|\bredo\s*:", _I),
    re.compile(r"\bmy\s+(?:[\w']+\s+){0,6}(?:must\s+be|was|is)\s+(?:wrong|incorrect|flawed|mistaken|off)\b", _I),
    re.compile(
        r"\b(?:previous|earlier|last)\s+(?:step|answer|result|line|attempt|calculation)\s+(?:is|was)\s+(?:flawed|wrong|incorrect)\b"
        r"|\b(?:this|that|it)\s+(?:doesn't|does\s+not)\s+(?:seem|look)\s+right\b"
        r"|\bI\s+don't\s+think\s+(?:that's|this\s+is|it's|that\s+is)\s+(?:right|correct)\b"
        r"|\bstart(?:ing)?\s+(?:again|over)\b|\b(?:let's|let\s+me|I'll|we'll)\s+switch\s+to\b"
        r"|=\s*-?\d+\s+(?:doesn't|does\s+not)\s+work\b|\b(?:that|this|it)\s+(?:won't|will\s+not)\s+work\b",
        _I,
    ),
    re.compile(_START + r"correction\s*:|" + _START + r"(?:rewriting|fixing|redoing|correcting)\b", _IM),
    re.compile(
        r"\bsomething\s+(?:went|is|must\s+be)\s+wrong\b|\bthat\s+(?:can't|cannot)\s+be\b"
        r"|\blet(?:'s|\s+me|\s+us)\s+instead\b|\binstead,?\s+(?:let(?:'s|\s+me|\s+us)|I'll|we'll)\b"
        r"|\b(?:I|we)\s+(?:was|were)\s+wrong\b|\b(?:let\s+me|let's|I'll|I\s+will|we'll)\s+(?:abandon|drop|discard|scrap)\b"
        r"|\bI\s+(?:swapped|mixed\s+up|confused|dropped|lost)\b|\blet\s+me\s+fix\b",
        _I,
    ),
]

_SUBGOAL = [
    re.compile(
        _START + r"first,?\s+(?:I|we|let's|let\s+me|let\s+us|I'll|we'll)\s+(?:need|will|should|must|have|find|compute|calculate|"
        r"determine|figure|solve|work|simplify|identify|write|set|check|count|get|rewrite|convert|sort|parse|express)",
        _IM,
    ),
    re.compile(_LINE + r"(?:\*\*|#++\s*+)?step\s++\d++\s*+[:.)]", _IM),
    re.compile(_START + r"(?:plan|goal|strategy|outline|(?:our|my)\s+approach)\s*:|\blet\s+me\s+outline\b|\bnew\s+plan\b", _IM),
    re.compile(r"(?:" + _LINE + r"|[.:]\s++)(?:\*\*|#++\s*+)?step\s++(?:one|two|three)\s*+[:.)]", _IM),
    re.compile(
        r"\bfirst,?\s+(?:I'll|we'll|I\s+will|we\s+will|let's|let\s+me|I|we|find|compute|calculate|determine|solve|get|handle|define|"
        r"convert|set|write|count|sort|parse|build|read|simplify|factor)\b[^.\n]{0,80}?\bthen\b"
        r"|\b(?:I'll|we'll|let's|let\s+me|I\s+will|we\s+will)\s+\w+(?:\s+\w+){0,4}\s+first\b"
        r"|\bbefore\s+anything\s+else\b|\bbefore\s+(?:we|I)\s+can\s+(?:get|find|compute|solve|determine|use|apply|calculate)\b|\bneed\s+(?:two|three|\d+)\s+things\b"
        r"|\bhas\s+(?:two|three|four|\d+)\s+(?:parts|steps|stages)\b|\b(?:main|key)\s+steps\s+are\b"
        r"|\bto\s+(?:know|get|find|compute|determine|solve|answer)\b[^,.\n]{0,40},?\s+(?:we|I)\s+(?:need|must|have\s+to|first)\b"
        r"|\b(?:decompose|break\s+down)\s+the\s+(?:task|problem)\b",
        _I,
    ),
    re.compile(
        r"\breduces\s+to\s+(?:two|three|four|\d+)\s+(?:smaller\s+|simpler\s+)?(?:questions|problems|parts|steps|cases)\b"
        r"|\b(?:in|into)\s+(?:two|three|four|\d+)\s+(?:steps|parts|stages|subproblems)\b"
        r"|\b(?:let\s+me|let's|I'll|we'll|I\s+will|we\s+will|we\s+must|we\s+need\s+to|I\s+need\s+to)\s+first\b"
        r"|\b(?:we|I)\s+(?:need|must|have\s+to)\b[^.\n]{0,60}?\bfirst\b"
        r"|\bthe\s+first\s+thing\s+(?:to\s+do|we\s+need|I\s+need)\b|\b(?:my|our)\s+(?:strategy|idea)\s+is\s+to\b"
        r"|\b(?:break|split|divide)\s+(?:this|it|the\s+problem)\s+into\s+(?:cases|parts|steps|subproblems)\b",
        _I,
    ),
    re.compile(
        r"\bto\s+(?:solve|find|answer|compute|determine|do|get)\s+(?:this|that|it|the\s+\w+)(?:\s+\w+)?,?\s+"
        r"(?:we|I)\s+(?:will\s+)?(?:need|must|have|will|should|first|start)\b",
        _I,
    ),
    re.compile(
        r"\b(?:break|split|divide|decompose)\s+(?:this|the|it|our)\s+(?:\w+\s+)?(?:problem|task|question|proof|sum|expression|"
        r"integral|computation|count|work|solution|calculation)s?\s+(?:into|down)\b|\bbreak\s+(?:it|this)\s+down\b",
        _I,
    ),
    re.compile(r"\bfirst\s+(?:find|compute|calculate|determine|solve|get|work\s+out)\b[^.\n]{0,60}?\bthen\b", _I),
    re.compile(r"\b(?:my|our)\s+plan\s*(?:is\b|:)|\b(?:outline|plan)\s+(?:the|a|my|our)\s+(?:solution|approach)\b", _I),
    re.compile(r"\bsub-?(?:goal|problem|task|step)s?\b(?!\s+of\s+the\s+company)", _I),
    re.compile(r"\bthe\s+(?:first|next|last|final|remaining)\s+step\s+is\s+to\b", _I),
    re.compile(r"\bonce\s+(?:we|I)\s+(?:have|know|find|get)\b[^.\n]{0,80}?\b(?:we|I)\s+can\b", _I),
    re.compile(r"\b(?:I'll|I\s+will|we'll|let's|let\s+me)\s+start\s+by\b[^.\n]{0,80}?\bthen\b", _I),
    re.compile(r"\b(?:approach|solve)\s+this\s+in\s+(?:stages|steps|parts)\b", _I),
]

# a numbered list of actions ("1. Parse the input  2. Sort it"), not of facts ("1. Paris is ...")
_PLAN_ITEM = re.compile(
    r"^[^\S\n]*+\d++[.)]\s++(?:parse|sort|find|compute|calculate|determine|solve|set|write|return|check|count|build|read|add|"
    r"subtract|multiply|divide|simplify|substitute|use|apply|identify|convert|let|define|create|initiali[sz]e|loop|iterate|show|prove)\b",
    _IM,
)

# enumeration: two or more distinct case markers
_CASE = re.compile(
    r"\b(?:sub-?)?case\s+\(?(?:\d+|[a-h]|i{1,3}|iv|vi?)\)?(?=[\s:.,)])|\bcase\s+[a-z]\s*=\s*-?\d+"
    r"|\b(?:option|choice)\s+\(?[a-e]\)?\s*:"
    r"|\bif\s+[a-z]\s*=\s*-?\d+"
    r"|\bfor\s+[a-z]\s*=\s*-?\d+\b"
    r"|\b[a-z]\s*=\s*-?\d+\s*(?::|gives\b|yields\b)"
    r"|\bif\s+\w+(?:\s+\w+)?\s+(?:is|has|equals)\s+(?:the\s+|length\s+)?\w+"
    r"|\bwhen\s+(?:it|[a-z]|the\s+\w+)\s+(?:is|has|=)\s+\w+"
    r"|\bsuppose\s+(?:the\s+)?\w+\s+is\s+\w+\s*:",
    _IM,
)
_ENUMERATE = re.compile(
    r"\b(?:try(?:ing)?|test(?:ing)?|check(?:ing)?|go(?:ing)?\s+through|consider(?:ing)?)\s+(?:each|every|all)\s+(?:the\s+)?(?:\w+\s+)?(?:possible\s+)?"
    r"(?:possibilit\w+|cases?|options?|values?|candidates?\b|combinations?|choices?|residues?|divisors?|pairs?|arrangements?|orders?|orderings?)"
    r"|\bgo(?:ing)?\s+through\s+the\s+\w+\s*:|\bthe\s+candidates\s+are\b|\bfor\s+each\s+of\s+the\b"
    r"|\b(?:list(?:ing)?|enumerat\w*)\s+(?:out\s+)?(?:all|each|every|the)\s+(?:the\s+)?(?:possible\s+)?"
    r"(?:possibilit\w+|cases?|options?|values?|candidates?|combinations?|pairs?|outcomes?|arrangements?)"
    r"|\b(?:trying|checking|testing)\s+each\s+candidate|\bgo(?:ing)?\s+through\s+(?:each|every|them\s+all)\b"
    r"|\b(?:for|try|trying|take|taking|with|check|checking|test|testing)\s+[a-z]\s*=\s*-?\d+\s*,\s*-?\d+"
    r"|\bfor\s+each\s*:|\bvalue\s+by\s+value\b|\bone\s+by\s+one\b|\bpossib(?:le|ilities)\b[^.:\n]{0,30}:"
    r"|\benumerat(?:e|ing|ed)\s+(?:the|all|each|every)\b",
    _I,
)


def _any(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _plans(text: str) -> bool:
    if _any(_SUBGOAL, text):
        return True
    items = 0
    for _ in _PLAN_ITEM.finditer(text):
        items += 1
        if items >= 2:
            return True
    return False


def _enumerates(text: str) -> bool:
    if _ENUMERATE.search(text):
        return True
    markers: set[str] = set()
    for match in _CASE.finditer(text):
        markers.add(" ".join(match.group(0).lower().split()))
        if len(markers) >= 2:
            return True
    return False


@dataclass(frozen=True)
class Behaviours:
    """Which of the four behaviours one response shows."""

    verification: bool
    backtracking: bool
    subgoal_setting: bool
    enumeration: bool

    def to_dict(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in BEHAVIOURS}


def classify(response: str) -> Behaviours:
    """The behaviours `response` shows, by the rules above (rule-based; no model)."""
    if not isinstance(response, str):
        raise AnalysisError(f"response must be a string, got {type(response).__name__}")
    return Behaviours(
        verification=_any(_VERIFICATION, response),
        backtracking=_any(_BACKTRACKING, response),
        subgoal_setting=_plans(response),
        enumeration=_enumerates(response),
    )


def behaviour_rates(responses: Iterable[str]) -> dict[str, float]:
    """Share of `responses` showing each behaviour: {name: rate}."""
    labels = [classify(text) for text in responses]
    if not labels:
        raise AnalysisError("behaviour rates of no responses are undefined")
    return {name: sum(getattr(b, name) for b in labels) / len(labels) for name in BEHAVIOURS}
