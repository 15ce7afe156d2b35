"""Fixtures for the service tests: apps under TestClient and a real tokenizer built in memory."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rlvr.serve.app import create_app

# pytest runs with --import-mode=importlib, which puts no test folder on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def build_tokenizer() -> Any:
    """A byte-level tokenizer with no merges (one token per byte); nothing is downloaded."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {symbol: i for i, symbol in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    vocab["<eos>"] = len(vocab)
    core = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    core.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=core, eos_token="<eos>")


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    return build_tokenizer()


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory: pytest.TempPathFactory, tokenizer: Any) -> Path:
    folder = tmp_path_factory.mktemp("serve-tokenizer")
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The default service: `correct` rewards, small limits so the limit tests stay cheap."""
    with TestClient(create_app("correct", timeout=2.0, workers=4, max_items=16, max_response_chars=5000,
                                max_problem_chars=5000, max_gold_chars=100)) as test_client:
        yield test_client
