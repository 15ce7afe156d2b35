"""rlvr.execute.run / run_many: statuses, output, stdin, argument errors, the unsafe opt-in."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys

import pytest

from rlvr.execute import STATUSES, ExecResult, ExecuteError, Program, UnsafeExecutionWarning, run, run_many
from rlvr.execute import pool


def test_ok_prints_stdout() -> None:
    result = run("print('hello', 6 * 7)")
    assert result.status == "ok" and result.ok
    assert result.stdout == "hello 42\n"
    assert result.exit_code == 0
    assert 0 <= result.seconds < 5


def test_stdin_reaches_the_program() -> None:
    result = run("import sys\nprint(sys.stdin.read().upper())", stdin="abc\ndéf\n")
    assert result.stdout == "ABC\nDÉF\n\n"


def test_expected_stdout_ignores_trailing_blanks_only() -> None:
    assert run("print('1 2  ')\nprint('3')\n", expected_stdout="1 2\n3").status == "ok"
    assert run("print('1 2')", expected_stdout="1  2").status == "wrong-answer"
    assert run("print('x')", expected_stdout="y").ok is False


def test_runtime_error_keeps_the_traceback_tail() -> None:
    result = run("def f():\n    return 1 / 0\nf()\n")
    assert result.status == "runtime-error"
    assert result.exit_code == 1
    assert "ZeroDivisionError" in result.stderr
    assert "return 1 / 0" in result.stderr  # the program's own source line is shown
    assert "run_program" not in result.stderr  # and not the worker's frame


def test_exit_codes() -> None:
    assert run("import sys; sys.exit(3)").exit_code == 3
    assert run("import sys; sys.exit(3)").status == "runtime-error"
    assert run("raise SystemExit('bye')").stderr.strip() == "bye"
    assert run("import sys; sys.exit(0)").status == "ok"


def test_syntax_error_is_a_runtime_error() -> None:
    result = run("def (:")
    assert result.status == "runtime-error"
    assert "SyntaxError" in result.stderr


def test_timeout() -> None:
    result = run("while True:\n    pass\n", timeout=0.5)
    assert result.status == "timeout"
    assert result.seconds < 5


def test_sleeping_program_times_out_on_the_wall_clock() -> None:
    result = run("import time\ntime.sleep(30)\n", timeout=0.5)
    assert result.status == "timeout"


def test_memory() -> None:
    result = run("x = bytearray(2 * 1024 ** 3)\n", memory_mb=256)
    assert result.status == "memory"
    assert "MemoryError" in result.stderr


def test_output_limit() -> None:
    result = run("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n")
    assert result.status == "output-limit"
    assert len(result.stdout) <= pool.OUTPUT_LIMIT


def test_stderr_flood_is_an_output_limit_too() -> None:
    assert run("import sys\nwhile True:\n    sys.stderr.write('y' * 65536)\n").status == "output-limit"


def test_each_program_gets_a_clean_scratch_dir() -> None:
    results = run_many(["open('left.txt', 'w').write('x')\nimport os\nprint(os.listdir('.'))",
                        "import os\nprint(os.listdir('.'))"], workers=1)
    assert results[0].stdout.strip() == "['left.txt']"
    assert results[1].stdout.strip() == "[]"


def test_run_many_keeps_input_order_and_mixes_statuses() -> None:
    programs = [Program(f"print({i})", expected_stdout=str(i)) for i in range(20)]
    programs[5] = Program("print(0)", expected_stdout="5")
    programs[7] = "raise ValueError('no')"
    results = run_many(programs, workers=2, timeout=5)
    assert [r.status for r in results].count("ok") == 18
    assert results[5].status == "wrong-answer"
    assert results[7].status == "runtime-error"
    assert [r.stdout.strip() for r in results[:5]] == ["0", "1", "2", "3", "4"]
    assert all(r.status in STATUSES for r in results)


def test_run_many_empty() -> None:
    assert run_many([]) == []


@pytest.mark.parametrize("bad", [None, 3, b"print(1)"])
def test_non_str_code_is_refused(bad: object) -> None:
    with pytest.raises(ExecuteError, match="str"):
        run(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [0, -1, math.nan, math.inf, "5", True])
def test_bad_timeout_is_refused(timeout: object) -> None:
    with pytest.raises(ExecuteError, match="timeout"):
        run("print(1)", timeout=timeout)  # type: ignore[arg-type]


def test_bad_batch_arguments_are_refused() -> None:
    with pytest.raises(ExecuteError, match="sequence"):
        run_many("print(1)")  # type: ignore[arg-type]
    with pytest.raises(ExecuteError, match="a program must be a str"):
        run_many(["print(1)", 7])  # type: ignore[list-item]
    with pytest.raises(ExecuteError, match="workers"):
        run_many(["print(1)"], workers=0)
    with pytest.raises(ExecuteError, match="memory_mb"):
        run_many(["print(1)"], memory_mb=1)


def test_unsafe_warns_on_every_call() -> None:
    # A fresh interpreter with Python's default filters, which would show a warning only once per line.
    script = ("from rlvr.execute import run, run_many\n"
              "for _ in range(3):\n"
              "    assert run('print(1)', unsafe=True).stdout == '1\\n'\n"
              "assert run_many(['print(2)'], unsafe=True)[0].stdout == '2\\n'\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("UnsafeExecutionWarning") == 4


def test_result_is_an_execresult_with_a_known_status() -> None:
    result = run("print(1)")
    assert isinstance(result, ExecResult)
    assert result.status in STATUSES


def test_run_many_keeps_one_worker_per_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    pool.shutdown()
    started: list[object] = []
    original = pool._Worker.__init__

    def counting(self: object, *args: object, **kwargs: object) -> None:
        started.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pool._Worker, "__init__", counting)
    results = run_many([f"print({i})" for i in range(40)], workers=4, progress=True)
    assert [r.stdout for r in results] == [f"{i}\n" for i in range(40)]
    assert len(started) <= 4  # no worker churn even with more lanes than the idle pool keeps


def test_a_failure_replaces_the_worker_and_the_next_program_runs() -> None:
    results = run_many(["while True:\n    pass\n", "print('after')"], workers=1, timeout=0.5)
    assert [r.status for r in results] == ["timeout", "ok"]


def test_classify_maps_raw_facts_to_statuses() -> None:
    program = Program("x", expected_stdout="5")
    base = {"exit": 0, "signal": None, "timed_out": False, "over": False, "stdout": "5\n", "stderr": "",
            "seconds": 0.1, "cpu": 0.1}
    assert pool.classify(base, program, 3).status == "ok"
    assert pool.classify({**base, "stdout": "6"}, program, 3).status == "wrong-answer"
    assert pool.classify({**base, "exit": None, "signal": 24}, program, 3).status == "timeout"  # SIGXCPU
    assert pool.classify({**base, "exit": None, "signal": 9, "cpu": 3.0}, program, 3).status == "timeout"
    killed = pool.classify({**base, "exit": None, "signal": 9, "cpu": 0.2}, program, 3)
    assert killed.status == "runtime-error" and killed.exit_code == -9
    assert pool.classify({**base, "out_of_memory": True, "exit": None, "signal": 9}, program, 3).status == "memory"
    assert pool.classify({**base, "over": True}, program, 3).status == "output-limit"
    setup = {**base, "exit": pool.SETUP_FAILED, "stderr": pool.SETUP_MARK + ": boom\n"}
    assert pool.classify(setup, program, 3).status == "sandbox-error"
    assert pool.classify({**base, "exit": pool.SETUP_FAILED}, program, 3).status == "runtime-error"
    oom = {**base, "exit": 1, "stderr": "Traceback...\nMemoryError\n"}
    assert pool.classify(oom, program, 3).status == "memory"


def test_a_worker_that_dies_mid_program_gives_sandbox_error_then_recovers() -> None:
    worker = pool._acquire(False)
    assert worker.sandbox_pid is not None
    os.kill(worker.sandbox_pid, signal.SIGKILL)  # the whole sandbox goes, as if it crashed
    result, keep = pool._ask(worker, Program("print(1)"), 2.0, 256)
    assert result.status == "sandbox-error" and keep is False
    assert worker.proc.poll() is not None  # the dead worker's bwrap was reaped
    assert run("print('next')").stdout == "next\n"


def test_unsafe_mode_still_enforces_limits() -> None:
    with pytest.warns(UnsafeExecutionWarning):
        assert run("while True:\n    pass\n", timeout=0.5, unsafe=True).status == "timeout"
    with pytest.warns(UnsafeExecutionWarning):
        assert run("x = bytearray(2 * 1024 ** 3)\n", memory_mb=256, unsafe=True).status == "memory"
    with pytest.warns(UnsafeExecutionWarning):
        scratch = run("import os\nprint(os.getcwd(), os.listdir('.'))", unsafe=True).stdout.split()
    assert scratch[0] != os.getcwd() and scratch[1] == "[]"  # a private, empty scratch dir


def test_odd_text_gives_verdicts_not_sandbox_errors() -> None:
    assert run("import sys\nprint(len(sys.stdin.buffer.read()))", stdin="\ud800x").stdout == "4\n"
    assert run("print(1)\x00").status == "runtime-error"  # null byte in the source
    assert run("print('\ud800')").status == "runtime-error"  # lone surrogate in the source
    assert run("print('é' * 3)", expected_stdout="ééé").status == "ok"
    assert run("").status == "ok"


def test_works_when_the_host_has_more_than_1024_open_files() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"the open-file limit here ({hard}) is too low to test fds above 1024")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = [os.open("/dev/null", os.O_RDONLY) for _ in range(1100)]  # the pipes now get fds above 1024
    try:
        pool.shutdown()  # a fresh worker, whose pipes are numbered above 1024
        assert run("print('high fds')").stdout == "high fds\n"
    finally:
        for fd in held:
            os.close(fd)
        pool.shutdown()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
