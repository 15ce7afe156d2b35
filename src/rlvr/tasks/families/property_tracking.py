"""Property tracking: objects change colour and room through a list of events.

Unique by construction: the events are simulated and the question asks one object's
final room or colour, or how many objects of a colour end up in a room.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import check_choice, check_int, format_example, lerp, other_choice, require
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    objects: int
    events: int
    group_events: bool  # events that act on every object in a room or of a colour
    counting: bool  # may ask how many objects match a room and colour

    def __post_init__(self) -> None:
        require(2 <= self.objects <= len(_OBJECTS), f"objects must be 2..{len(_OBJECTS)}")
        require(self.events >= 0, "events must be >= 0")


_OBJECTS = ["mug", "lamp", "vase", "chair", "clock", "rug", "book", "kettle", "mirror", "basket", "pillow", "candle"]
_COLORS = ["red", "blue", "green", "yellow", "white", "black", "orange", "purple"]
_ROOMS = ["kitchen", "hall", "attic", "garage", "bedroom", "study", "cellar", "porch"]


@register
class PropertyTracking(Task):
    """Follow object colours and rooms through events; answer about the final state."""

    name = "property_tracking"
    description = "Track object properties (colour, room) through a sequence of events."
    answer_format = "a room, a colour or a count, as the question asks"
    category = "planning"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(objects=lerp(difficulty, 3, 8), events=lerp(difficulty, 2, 16), group_events=difficulty >= 4,
                      counting=difficulty >= 6)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        objects = rng.sample(_OBJECTS, config.objects)
        rooms = rng.sample(_ROOMS, 4)
        colors = rng.sample(_COLORS, 5)
        room = {o: rng.choice(rooms) for o in objects}
        color = {o: rng.choice(colors) for o in objects}
        opening = "; ".join(f"the {color[o]} {o} is in the {room[o]}" for o in objects)
        events = []
        while len(events) < config.events:
            kind = rng.choice(["move", "paint", "swap", "room_move", "repaint"] if config.group_events
                              else ["move", "paint", "swap"])
            if kind == "move":
                o = rng.choice(objects)
                target = rng.choice([r for r in rooms if r != room[o]])
                room[o] = target
                events.append(f"The {o} is carried to the {target}.")
            elif kind == "paint":
                o = rng.choice(objects)
                new = rng.choice([c for c in colors if c != color[o]])
                color[o] = new
                events.append(f"The {o} is painted {new}.")
            elif kind == "swap":
                a, b = rng.sample(objects, 2)
                if room[a] == room[b]:
                    continue
                room[a], room[b] = room[b], room[a]
                events.append(f"The {a} and the {b} swap rooms.")
            elif kind == "room_move":
                source, target = rng.sample(rooms, 2)
                if not any(room[o] == source for o in objects):
                    continue
                for o in objects:
                    if room[o] == source:
                        room[o] = target
                events.append(f"Everything in the {source} is moved to the {target}.")
            else:
                old, new = rng.sample(colors, 2)
                if not any(color[o] == old for o in objects):
                    continue
                for o in objects:
                    if color[o] == old:
                        color[o] = new
                events.append(f"Every {old} object is repainted {new}.")
        roll = rng.random()
        if config.counting and roll < 0.4:
            r, c = rng.choice(rooms), rng.choice(colors)
            value = sum(1 for o in objects if room[o] == r and color[o] == c)
            question = f"How many {c} objects are in the {r} at the end? Give a single integer, e.g. <answer>7</answer>"
            answer, kind, options = str(value), "count", []
        elif roll < 0.7:
            o = rng.choice(objects)
            example = format_example(rng, rooms, _ROOMS)
            question = f"Which room is the {o} in at the end? Give the room, e.g. <answer>{example}</answer>"
            answer, kind, options = room[o], "room", rooms
        else:
            o = rng.choice(objects)
            example = format_example(rng, colors, _COLORS)
            question = f"What colour is the {o} at the end? Give the colour, e.g. <answer>{example}</answer>"
            answer, kind, options = color[o], "color", colors
        prompt = (
            f"At the start: {opening}.\nThen, in order:\n" + "\n".join(f"{i + 1}. {e}" for i, e in enumerate(events))
            + "\n\n" + question + " (a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"question_kind": kind, "options": options, "effort": config.events * config.objects}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        if problem.metadata["question_kind"] == "count":
            return check_int(response, int(problem.answer))
        return check_choice(response, problem.answer, problem.metadata["options"])

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        if problem.metadata["question_kind"] == "count":
            return str(int(problem.answer) + 1)
        return other_choice(problem.answer, problem.metadata["options"], rng)
