"""bench/run.py: each goal judged from the measurements, and RESULTS.md says which are missed."""

from __future__ import annotations

from bench import run


def measurement(seconds: float, peak: float, rc: int = 0) -> dict:
    return {"median_s": seconds, "peak_mb": peak, "exit_codes": [rc], "runs": [{}]}


def results(export_s: float, export_mb: float, build_s: float = 10.0) -> dict:
    ms = {
        "polars.read_csv (parse floor)": measurement(1.0, 100),
        "bloemdata validate": measurement(4.0, 300),
        "sqlite3 bulk load": measurement(5.0, 50),
        "bloemdata build": measurement(build_s, 400),
        run.EXPORTS: measurement(export_s, export_mb),
    }
    size = {
        "statements": 100_000,
        "codings": 300_000,
        "bytes": 5e7,
        "seconds": 1.0,
        "measurements": ms,
        "ratios": {
            "validate / parse floor": 4.0,
            "frictionless / validate": None,
            "build / sqlite3 bulk load": round(build_s / 5.0, 2),
        },
    }
    return {
        "started": "2026-12-01T21:00:00+00:00",
        "command": "python -m bench.run --sizes 100k",
        "machine": {
            "cpus": 2,
            "platform": "Linux",
            "python": "3.11",
            "load_average_at_start": (1.0, 2.0, 3.0),
            "load_average_at_end": (4.0, 5.0, 6.0),
        },
        "sizes": {"100k": size},
    }


def verdicts(data: dict) -> dict[str, bool | None]:
    return {g["goal"]: g["met"] for g in run.goals(data)}


def test_export_goals_follow_the_build_time_and_the_memory_limit():
    fast = verdicts(results(export_s=9.0, export_mb=1000))
    assert fast["export all at 1M <= the build's time"] is True
    assert fast["export all at 1M peak memory <= 1.5 GB"] is True
    slow = verdicts(results(export_s=11.0, export_mb=2000))
    assert slow["export all at 1M <= the build's time"] is False
    assert slow["export all at 1M peak memory <= 1.5 GB"] is False


def test_build_goal_is_two_and_a_half_times_the_bulk_load():
    assert verdicts(results(1, 1, build_s=12.5))["build at 1M <= 2.5x plain bulk load"] is True
    assert verdicts(results(1, 1, build_s=13.0))["build at 1M <= 2.5x plain bulk load"] is False


def test_results_markdown_names_machine_load_and_every_goal():
    data = results(export_s=11.0, export_mb=100)
    data["goals"] = run.goals(data)
    text = run.markdown(data)
    assert "2026-12-01T21:00:00+00:00" in text
    assert "at start: 1.00, 2.00, 3.00; at end: 4.00, 5.00, 6.00" in text
    for goal in data["goals"]:
        assert f"| {goal['goal']} |" in text
    assert "| export all at 1M <= the build's time | 11.0 | <= 10.0 s | **missed** |" in text
    assert "at 100k (1M not run)" in text
