"""The last thing made is given again for the same key, and only then."""

from __future__ import annotations

from explainer.lastmade import LastMade


def test_the_same_objects_and_value_give_the_same_thing_again() -> None:
    last: LastMade[list[int]] = LastMade()
    a, b = [1], [1]  # equal, not the same
    made = last.get((a,), lambda: [0], "x")
    assert last.get((a,), lambda: [1], "x") is made
    assert last.get((b,), lambda: [2], "x") == [2]  # an equal object is another key
    assert last.get((b,), lambda: [3], "y") == [3]  # so is another value
    assert last.get((b, a), lambda: [4], "y") == [4]  # and more objects
    assert last.get((b,), lambda: [5], "y") == [5]  # one slot: the key before is gone
    last.clear()
    assert last.get((b,), lambda: [6], "y") == [6]
