"""`tddkit log`: the traffic-light history of the runs, and the learner's red/green rhythm.

Reads the state store only; imports nothing that runs tests.

The rhythm, per kata, in run order:
  a red->green cycle  a GREEN run that follows at least one RED run since the last GREEN;
  time red            from the first RED run after a GREEN (or the start) to the next GREEN,
                      or, while still not green, to that kata's last run;
  AMBER runs          counted as they come (they neither start nor end a red stretch).

And per step, the rhythm a kata is made of:
  a step's cycle      a run in which the step turned green (progress.steps_turned_green: not
                      green in the kata's last run that was not AMBER, or the kata's first run,
                      the stub being red in every step).
"""

from __future__ import annotations

import time

from tddkit import messages, progress, render
from tddkit.light import AMBER, GREEN, RED

REASON_WIDTH = 90


def rhythm(runs: list[dict]) -> dict:
    cycles, longest, longest_kata = 0, 0.0, None
    red_since: dict[str, float] = {}
    last_at: dict[str, float] = {}

    def stretch(kata: str, until: float) -> None:
        nonlocal longest, longest_kata
        span = until - red_since.pop(kata)
        if span > longest or longest_kata is None:
            longest, longest_kata = span, kata

    judged: dict[str, dict] = {}  # each kata's last run that was not AMBER
    step_cycles: dict[tuple[str, int], int] = {}

    for run in runs:
        kata = run["kata"]
        last_at[kata] = run["at"]
        if run["light"] != AMBER:
            for step in progress.steps_turned_green(run, judged.get(kata)):
                step_cycles[(kata, step)] = step_cycles.get((kata, step), 0) + 1
            judged[kata] = run
        if run["light"] == RED:
            red_since.setdefault(kata, run["at"])
        elif run["light"] == GREEN and kata in red_since:
            cycles += 1
            stretch(kata, run["at"])
    for kata in list(red_since):
        stretch(kata, last_at[kata])
    counts = {light: sum(r["light"] == light for r in runs) for light in (GREEN, RED, AMBER)}
    order: dict[str, int] = {}  # the katas in the order of their first run
    for run in runs:
        order.setdefault(run["kata"], len(order))
    per_step = [{"kata": kata, "step": step, "cycles": n}
                for (kata, step), n in sorted(step_cycles.items(), key=lambda item: (order[item[0][0]], item[0][1]))]
    return {"runs": len(runs), **counts, "red_green_cycles": cycles,
            "longest_red_seconds": longest, "longest_red_kata": longest_kata,
            "step_red_green_cycles": sum(step_cycles.values()), "red_green_cycles_per_step": per_step}


def as_json(runs: list[dict], grades: list[dict] = ()) -> dict:
    fields = ("at", "kata", "light", "passed", "total", "reason")
    return {"runs": [{k: r[k] for k in fields} for r in runs], "rhythm": rhythm(runs), "write_tests": list(grades)}


def duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def table(runs: list[dict], root=None, grades: list[dict] = ()) -> str:
    """The runs, one a line, then the rhythm; then the write-tests mode's grades, apart. Paths
    inside the workspace `root` are shortened."""
    if not runs and not grades:
        return messages.LOG_EMPTY
    lines = run_lines(runs, root) if runs else [messages.LOG_NO_CODE_RUNS]
    if grades:
        lines += ["", messages.LOG_GRADES]
        lines += [messages.LOG_GRADE_ROW.format(when=when(g["at"]), kata=g["kata"], light=light_column(g["light"]),
                                                valid=g["valid"], total=g["total"], caught=g["caught"],
                                                mutants=g["mutants"]).rstrip() for g in grades]
    return "\n".join(lines)


def when(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))


def light_column(light: str) -> str:
    """The light, padded before it is painted, so that colour codes do not upset the columns."""
    label = f"{messages.LIGHT_SYMBOLS[light]} {messages.LIGHT_WORDS[light]}"
    return render.paint(f"{label:<10}", light)


def run_lines(runs: list[dict], root=None) -> list[str]:
    lines = []
    for r in runs:
        reason = (r["reason"] or "").splitlines()[0] if r["reason"] else ""
        if root is not None:
            reason = reason.replace(f"{root}/", "")
        if len(reason) > REASON_WIDTH:
            reason = reason[:REASON_WIDTH - 3] + "..."
        lines.append(messages.LOG_ROW.format(when=when(r["at"]), kata=r["kata"], light=light_column(r["light"]),
                                             passed=r["passed"], total=r["total"], reason=reason).rstrip())
    summary = rhythm(runs)
    where = messages.LOG_LONGEST_WHERE.format(kata=summary["longest_red_kata"]) if summary["longest_red_kata"] else ""
    lines += ["", messages.LOG_RHYTHM.format(runs=summary["runs"], cycles=summary["red_green_cycles"],
                                             longest=duration(summary["longest_red_seconds"]), where=where,
                                             amber=summary["amber"])]
    return lines + step_lines(summary["red_green_cycles_per_step"])


def step_lines(per_step: list[dict]) -> list[str]:
    """The red->green cycles of each step, a line per kata; steps with as many cycles are named
    together ("steps 1-12 and 14: 1, step 13: 3")."""
    if not per_step:
        return []
    lines = [messages.LOG_STEP_CYCLES.format(cycles=sum(c["cycles"] for c in per_step))]
    for kata in dict.fromkeys(c["kata"] for c in per_step):
        steps_by_count: dict[int, list[int]] = {}  # in the order of their first step
        for c in per_step:
            if c["kata"] == kata:
                steps_by_count.setdefault(c["cycles"], []).append(c["step"])
        said = [(messages.LOG_STEPS_COUNT if len(steps) > 1 else messages.LOG_STEP_COUNT).format(
            steps=render.step_numbers(steps), cycles=n) for n, steps in steps_by_count.items()]
        lines.append(messages.LOG_STEP_ROW.format(kata=kata, counts=", ".join(said)))
    return lines
