"""The run's start-up helpers: the import warm-up thread and the collector pause/freeze."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import pytest
from _fresh import assert_fresh_python_ok

from memobench._util.gcpause import frozen_heap, paused_gc
from memobench._util.warm import WARM_SWITCH_INTERVAL_S, warm_in_background
from memobench.runner import RunConfig, Runner


def test_warm_up_imports_in_a_thread_and_restores_the_switch_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mb_warm_probe.py").write_text(
        "import sys, threading\nTHREAD = threading.current_thread().name\n"
        "INTERVAL = sys.getswitchinterval()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    before = sys.getswitchinterval()
    thread = warm_in_background(("mb_warm_probe", "mb_no_such_module"))  # missing: skipped
    thread.join(10)
    probe = sys.modules.pop("mb_warm_probe")
    assert probe.THREAD == "mb-warm" and probe.INTERVAL == WARM_SWITCH_INTERVAL_S
    assert sys.getswitchinterval() == before and "mb_no_such_module" not in sys.modules


def test_paused_gc_and_frozen_heap_undo_themselves() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            pass
        assert not gc.isenabled()  # an inner pause does not re-enable an outer one
    assert gc.isenabled()
    with frozen_heap():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_a_run_leaves_the_collector_as_it_found_it(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    cfg = RunConfig(
        agent="no-memory",
        model="mock:reader",
        data_path=data_dir,
        conversations=("conv-30",),
        out=tmp_path / "run",
        limit=5,
    )
    res = Runner(cfg).run()
    assert res.tasks["qa"].metrics["f1"].n == 5
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert len((tmp_path / "run" / "samples.jsonl").read_text().splitlines()) == 5
    assert json.loads((tmp_path / "run" / "results.json").read_text())["tasks"]["qa"]


def test_scoring_an_answer_loads_no_numpy(data_dir: str) -> None:
    # The runner prescores each answer on its loop as it arrives. If prescoring needed numpy,
    # its first category-1 answer with 8 or more gold parts would import it there, holding the
    # loop 0.1-0.2 s with every slot idle (in flight 31 -> 6 of 32, measured).
    code = (
        "import sys\n"
        "import memobench.runner, memobench.cli._main\n"
        "from memobench.datasets import load_dataset\n"
        "from memobench.scoring import Prediction, prescore\n"
        f"conv = load_dataset('locomo10', data_path={data_dir!r}).conversations[0]\n"
        "from memobench.data import QACategory\n"
        # A category-1 gold list of 12 parts: numpy's pairwise sum (8 or more values) too.
        "many = conv.qa[0].model_copy(update={'category': QACategory(1),\n"
        "                                     'answer': ', '.join('abcdefghijkl')})\n"
        "for qa in [*conv.qa[:20], many]:\n"
        "    prescore(conv, qa, Prediction(text='in Paris, b, c', retrieved=('D1:3',)))\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
        "print('ok')\n"
    )
    assert_fresh_python_ok(code)
