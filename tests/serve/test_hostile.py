"""Hostile requests: odd Unicode, oversized bodies and fields, and a stream of distinct rows.

Every request gets an answer of the right shape: verdicts (or a 4xx naming what to fix),
never a 5xx, never a reply that echoes megabytes of the request, and the server's memory
for parsed rows stays within its setting however many distinct rows arrive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvr.engines import scoring
from rlvr.serve.app import create_app
from rlvr.serve.rows import RowCache
from rlvr.tasks import get as get_task
from rlvr.tasks.rows import problem_to_json

JSON = {"content-type": "application/json"}
LONE = "\ud83d"


def post_raw(client: TestClient, path: str, text: str) -> object:
    # json.dumps escapes a lone surrogate as \ud83d, which is valid JSON that Python reads back as one.
    return client.post(path, content=text.encode("ascii"), headers=JSON)


@pytest.fixture(scope="module")
def hostile() -> Iterator[TestClient]:
    app = create_app("correct", timeout=2.0, workers=2, max_items=16, max_response_chars=4000,
                     max_gold_chars=200, max_problem_chars=6000, max_body_mb=0.25)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# --- lone surrogates: the regression, then the class -------------------------------------------

def test_a_lone_surrogate_gets_a_verdict_not_a_500_for_the_batch(hostile: TestClient) -> None:
    items = [{"response": f"\\boxed{{{LONE}}}", "gold": "1"}, {"response": "\\boxed{1}", "gold": LONE},
             {"response": f"so {LONE} \\boxed{{2}}", "gold": "2"}, {"response": "\\boxed{3}", "gold": "3"}]
    reply = post_raw(hostile, "/verify", json.dumps({"items": items}))
    assert reply.status_code == 200, reply.text
    verdicts = reply.json()["verdicts"]
    assert [v["correct"] for v in verdicts] == [False, False, True, True]
    assert verdicts[0]["extracted"] == "\ufffd", "the surrogate is read as U+FFFD, as a UTF-8 decoder would"


def test_lone_surrogates_in_problems_and_rewards(hostile: TestClient) -> None:
    problem = get_task("countdown").problem(0, difficulty=1)
    data = json.loads(problem_to_json(problem))
    data["metadata"][LONE] = LONE
    items = [{"response": f"<answer>{problem.answer}</answer>{LONE}", "problem_json": data},
             {"response": f"<answer>{LONE}</answer>", "problem_json": problem_to_json(problem)}]
    reply = post_raw(hostile, "/check", json.dumps({"items": items}))
    assert reply.status_code == 200, reply.text
    assert [v["correct"] for v in reply.json()["verdicts"]] == [True, False]
    body = {"query": [f"Q{LONE}: \\boxed{{4}}", f"Q: \\boxed{{{LONE}}}"], "prompts": [f"Q{LONE}:", "Q:"], "labels": ["4", LONE]}
    reply = post_raw(hostile, "/reward", json.dumps(body))
    assert reply.status_code == 200, reply.text
    assert reply.json()["rewards"] == [1.0, 0.0]


# Text with what breaks encoders: lone surrogates, NUL, controls, astral characters, LaTeX.
_ODD = st.sampled_from(["\x00", "\ud800", "\udfff", LONE, "\\", "{", "}", "\U0001f600", "\x1b"])
_PIECES = st.lists(st.one_of(_ODD, st.text(st.characters(codec=None, categories=None), max_size=4)), max_size=8).map("".join)
_TEXT = st.one_of(_PIECES, st.builds(lambda s: f"\\boxed{{{s}}}", _PIECES))
_NUMBER = st.one_of(st.integers(-(10**40), 10**40), st.floats(allow_nan=True, allow_infinity=True), st.just("HUGE"))
_SCALAR = st.one_of(st.none(), st.booleans(), _NUMBER, _TEXT, _TEXT)
_VALUE = st.recursive(_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
                      max_leaves=12)
_PROBLEM = st.fixed_dictionaries({"id": _VALUE, "task": st.one_of(st.sampled_from(["countdown", "sudoku"]), _VALUE),
                                  "prompt": _VALUE, "answer": _VALUE}, optional={"metadata": _VALUE, "difficulty": _VALUE})
_GOLD = st.one_of(_TEXT, _TEXT, _NUMBER)
_VERIFY = st.fixed_dictionaries({"items": st.lists(st.fixed_dictionaries({"response": _TEXT, "gold": _GOLD}), max_size=3)})
_CHECK = st.fixed_dictionaries({"items": st.lists(st.fixed_dictionaries(
    {"response": _TEXT, "problem_json": st.one_of(_PROBLEM, _PROBLEM.map(json.dumps), _VALUE)}), max_size=3)})
_REWARD = st.integers(0, 3).flatmap(lambda n: st.fixed_dictionaries({
    "query": st.lists(_TEXT, min_size=n, max_size=n), "prompts": st.lists(_TEXT, min_size=n, max_size=n),
    "labels": st.lists(st.one_of(_GOLD, _PROBLEM.map(json.dumps), st.none()), min_size=n, max_size=n)}))
# Mostly well-formed bodies (so the odd text reaches the checkers and the replies), some anything at all.
_BODIES = {"/verify": st.one_of(_VERIFY, _VERIFY, _VERIFY, _VALUE), "/check": st.one_of(_CHECK, _CHECK, _VALUE),
           "/reward": st.one_of(_REWARD, _REWARD, _REWARD, _VALUE)}


def _encode(body: object) -> str:
    # Python refuses to write a 5,000-digit integer as JSON; the marker becomes one in the text.
    return json.dumps(body).replace('"HUGE"', "1" + "0" * 5000)


@pytest.mark.parametrize("path", sorted(_BODIES))
def test_fuzzed_bodies_never_get_a_5xx(hostile: TestClient, path: str) -> None:
    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(_BODIES[path])
    def one(body: object) -> None:
        reply = post_raw(hostile, path, _encode(body))
        assert reply.status_code < 500, (reply.status_code, reply.text, body)
        content = reply.json()
        if reply.status_code == 200:
            assert ("verdicts" in content) if path != "/reward" else ("rewards" in content)
        else:
            assert isinstance(content["detail"], str) and len(content["detail"]) < 1100

    one()


def test_nesting_too_deep_for_json_is_refused_with_a_4xx(hostile: TestClient) -> None:
    for text in ("[" * 50_000 + "]" * 50_000, '{"items": [{"response": "x", "problem_json": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}]}"):
        assert 400 <= post_raw(hostile, "/check", text).status_code < 500


def test_a_body_json_cannot_load_says_what_to_fix(hostile: TestClient) -> None:
    for text in ("[" * 50_000 + "]" * 50_000, '{"items": [{"response": "x", "gold": ' + "9" * 5000 + "}]}"):
        reply = post_raw(hostile, "/verify", text)
        assert reply.status_code == 400
        assert "nested too deeply" in reply.json()["detail"] and "4,300 digits" in reply.json()["detail"]


# --- request-body limit --------------------------------------------------------------------------

def test_an_oversized_body_gets_a_413_with_a_one_line_error(hostile: TestClient) -> None:
    items = [{"response": "x" * 3000, "gold": "1"} for _ in range(100)]  # ~300 KB, limit 256 KiB
    reply = hostile.post("/verify", json={"items": items})
    assert reply.status_code == 413
    detail = reply.json()["detail"]
    assert "262144 bytes" in detail and "--max-body-mb" in detail and "\n" not in detail
    assert hostile.post("/verify", json={"items": items[:16]}).status_code == 200, "a body under the limit is served"


def test_a_chunked_body_is_cut_off_at_the_limit(hostile: TestClient) -> None:
    sent = []

    def chunks() -> Iterator[bytes]:
        yield b'{"items": ['
        for _ in range(1000):  # 1000 x 4 KB = 4 MB if nobody stopped reading
            chunk = json.dumps({"response": "y" * 4000, "gold": "1"}).encode() + b","
            sent.append(len(chunk))
            yield chunk
        yield b'{"response": "1", "gold": "1"}]}'

    reply = hostile.post("/verify", content=chunks(), headers=JSON)
    assert reply.status_code == 413 and "larger than that" in reply.json()["detail"]


# --- gold and problem lengths, and replies that never echo the request ----------------------------

def test_long_golds_and_problems_get_a_422_that_does_not_echo_them(hostile: TestClient) -> None:
    gold = "7" * 201 + "GOLD-MARKER"
    reply = hostile.post("/verify", json={"items": [{"response": "\\boxed{7}", "gold": gold}]})
    assert reply.status_code == 422
    assert reply.json()["detail"] == "item 0: the gold answer is 212 characters long; the limit is 200 (raise --max-gold-chars if your data needs it)"
    reply = hostile.post("/reward", json={"query": ["Q7"], "prompts": ["Q"], "labels": [gold]})
    assert reply.status_code == 422 and "GOLD-MARKER" not in reply.text
    problem = json.loads(problem_to_json(get_task("countdown").problem(0, difficulty=1)))
    problem["metadata"]["pad"] = "p" * 6000
    reply = hostile.post("/check", json={"items": [{"response": "<answer>1</answer>", "problem_json": problem}]})
    assert reply.status_code == 422 and "the limit is 6000 (raise --max-problem-chars" in reply.json()["detail"]
    assert "ppp" not in reply.text


def test_validation_errors_never_echo_the_input(hostile: TestClient) -> None:
    big_key = "k" * 100_000
    for body in ({"items": [{"response": "r" * 100_000, "gold": ["g"] * 10_000}]},
                 {"items": [{"response": "x", "gold": "1", big_key: 1}]},
                 {"query": ["q" * 100_000], "prompts": [["p"] * 1000], "labels": [{"x": "y" * 100_000}]}):
        path = "/reward" if "query" in body else "/verify"
        reply = hostile.post(path, json=body)
        assert reply.status_code == 422
        assert len(reply.content) < 1200, reply.text[:300]


# --- memory for parsed rows ----------------------------------------------------------------------

def test_the_row_cache_is_bounded_by_bytes_not_entries() -> None:
    cache = RowCache(max_bytes=2**20, timeout=2.0, max_gold_chars=10**6, max_problem_chars=10**6)
    base = json.loads(problem_to_json(get_task("countdown").problem(0, difficulty=1)))
    for i in range(300):  # 300 distinct ~20 KB problems and golds: ~12 MB if all were kept
        text = json.dumps({**base, "id": f"p{i}", "metadata": {**base["metadata"], "pad": "x" * 20_000}})
        cache.problem(text)
        cache.gold(f"{i}" + "0" * 20_000)
        assert cache.bytes <= cache.max_bytes
    assert 0 < len(cache) < 100
    again = cache.gold("42")
    assert cache.gold("42") is again, "a row seen again is reused"


def test_distinct_problems_do_not_grow_the_servers_memory() -> None:
    base = json.loads(problem_to_json(get_task("countdown").problem(0, difficulty=1)))
    before = len(scoring.ROW_CACHE)
    with TestClient(create_app(workers=2, cache_mb=0.25)) as client:
        for start in range(0, 80, 8):
            items = [{"response": "<answer>1</answer>", "problem_json": {**base, "id": f"p{i}", "prompt": "q" * 10_000}}
                     for i in range(start, start + 8)]
            assert client.post("/check", json={"items": items}).status_code == 200
        health = client.get("/health").json()
    assert health["cached_rows_mb"] <= 0.25 and health["cached_rows"] < 80
    assert len(scoring.ROW_CACHE) == before, "the server keeps no rows outside its bounded cache"
