"""Decrypt a message given the cipher and its key (Caesar, Vigenere or substitution).

The plaintext is unique: every cipher here is a bijection once the key is known.
Plaintexts are word sequences from rlvr's bundled word list.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._text import invalid, take, words, wrong
from rlvr.verify.verdict import Reason, Verdict

LETTERS = string.ascii_lowercase
KINDS = ("caesar", "vigenere", "substitution")
_WORK = {"caesar": 1, "vigenere": 2, "substitution": 3}


# SHIFTED[k][i]: letter i moved k places forward.
SHIFTED = tuple(LETTERS[k:] + LETTERS[:k] for k in range(26))
_TABLES = tuple(str.maketrans(LETTERS, row) for row in SHIFTED)


def shift(ch: str, by: int) -> str:
    return SHIFTED[by % 26][ord(ch) - 97]


def encrypt(kind: str, key: Any, plaintext: str) -> str:
    """Encrypt lowercase words; spaces are kept and do not advance a Vigenere key."""
    if kind == "caesar":
        return plaintext.translate(_TABLES[key % 26])
    if kind == "substitution":
        return plaintext.translate(str.maketrans(LETTERS, key))
    # Letters at the same key position share one shift: translate each stride at once.
    letters = plaintext.replace(" ", "")
    merged = [""] * len(letters)
    for offset, key_letter in enumerate(key):
        merged[offset::len(key)] = letters[offset::len(key)].translate(_TABLES[ord(key_letter) - 97])
    text = "".join(merged)
    out, position = [], 0
    for word in plaintext.split(" "):
        out.append(text[position: position + len(word)])
        position += len(word)
    return " ".join(out)


def describe(kind: str, key: Any) -> str:
    if kind == "caesar":
        return (f"a Caesar cipher: every letter was shifted {key} places forward in the alphabet "
                f"(wrapping from z back to a).")
    if kind == "vigenere":
        return (f"a Vigenere cipher with key \"{key}\": the n-th letter of the message (spaces skipped) was "
                f"shifted forward by the position in the alphabet of the n-th key letter, a=0 ... z=25, "
                f"repeating the key.")
    return ("a substitution cipher: each letter on the plain line was replaced by the letter below it on "
            f"the cipher line:\nplain:  {' '.join(LETTERS)}\ncipher: {' '.join(key)}\n")


@dataclass(frozen=True)
class CipherConfig:
    """Messages of `words` words under one of `kinds`; Vigenere keys of `key_length` letters."""

    words: int
    kinds: str
    key_length: int


@register
class Cipher(Task):
    """Decrypt a ciphertext with a known key (unique plaintext)."""

    name: ClassVar[str] = "cipher"
    description: ClassVar[str] = "Decrypt a Caesar, Vigenere or substitution ciphertext given the key"
    answer_format: ClassVar[str] = "the plaintext in lowercase words separated by single spaces"
    category: ClassVar[str] = "strings"
    Config: ClassVar[type] = CipherConfig

    def config_for(self, difficulty: int) -> CipherConfig:
        kinds = "caesar" if difficulty <= 3 else "caesar,vigenere" if difficulty <= 5 else ",".join(KINDS)
        return CipherConfig(words=2 + difficulty, kinds=kinds, key_length=2 + difficulty // 2)

    def make(self, rng: random.Random, config: CipherConfig) -> tuple[str, str, dict[str, Any]]:
        kinds = [k.strip() for k in config.kinds.split(",") if k.strip()]
        if not kinds or set(kinds) - set(KINDS) or not 1 <= config.words <= 200 or config.key_length < 1:
            raise TaskError(f"cipher needs kinds from {KINDS}, 1..200 words and key_length >= 1")
        kind = rng.choice(kinds)
        vocabulary = words()
        plaintext = " ".join([vocabulary[int(rng.random() * len(vocabulary))] for _ in range(config.words)])
        if kind == "caesar":
            key: Any = rng.randint(1, 25)
        elif kind == "vigenere":
            key = "".join(rng.choice(LETTERS[1:]) for _ in range(config.key_length))
        else:
            shuffled = list(LETTERS)
            rng.shuffle(shuffled)
            key = "".join(shuffled)
        ciphertext = encrypt(kind, key, plaintext)
        prompt = (
            f"This message was encrypted with {describe(kind, key).rstrip()}\n\nCiphertext: {ciphertext}\n\n"
            f"Decrypt it. Answer with the plaintext in lowercase, words separated by single spaces "
            f"(for example: the cat sat).\n{ANSWER_INSTRUCTION}"
        )
        letters = len(plaintext) - plaintext.count(" ")
        metadata = {"kind": kind, "key": key, "ciphertext": ciphertext, "effort": letters * _WORK[kind]}
        return prompt, plaintext, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        """Case- and spacing-insensitive comparison with the plaintext."""
        text, failed = take(response, limit=8192)
        if text is None:
            return failed
        normalized = " ".join(text.lower().split())
        if not normalized or any(ch not in LETTERS and ch != " " for ch in normalized):
            return invalid(text, "the answer must be lowercase words separated by spaces")
        if normalized == problem.answer:
            return Verdict(True, Reason.EQUAL_STRING, extracted=text, normalized=normalized, gold_normalized=problem.answer)
        return wrong(text, normalized, problem.answer)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """One letter of the plaintext changed."""
        positions = [i for i, ch in enumerate(problem.answer) if ch != " "]
        i = rng.choice(positions)
        replacement = rng.choice([ch for ch in LETTERS if ch != problem.answer[i]])
        return problem.answer[:i] + replacement + problem.answer[i + 1:]
