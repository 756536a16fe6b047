"""Generates Keras reference rows beyond the shared fixture, with real Keras.

Run with Keras 3.15.1 on TensorFlow 2.21.0 (CPU, x86-64 Linux with FMA), as the shared
fixture was made: `python3 generate.py > vectors.jsonl`. Same format as
../keras-reference (see its README). Two parts, each from a fixed seed:
1. random configs of all six classes (ints and floats, staircase, cycle, warmup,
   t_mul above and below 1, float and mixed boundaries), 12 steps each, both dtypes;
2. rows near the underflow threshold of each dtype, where TensorFlow flushes subnormal
   results to zero (every 4th row kept).
"""

import os, sys, json, random, math
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np
import keras
from keras.optimizers import schedules as S


# Part 1: random configs.
rng = random.Random(7)
per_config = 12
out = sys.stdout

def num(lo, hi, as_int=None):
    if as_int is None: as_int = rng.random() < 0.5
    if as_int: return rng.randint(max(1, int(lo)), max(1, int(hi)))
    return float(np.float64(rng.uniform(lo, hi)).round(rng.choice([1, 2, 3, 6, 12])))  or 0.5

def rate_float(lo=1e-4, hi=2.0):
    v = rng.choice([rng.uniform(lo, hi), 10 ** rng.uniform(-6, 0.5)])
    return float(f"{v:.{rng.choice([1,2,4,8,17])}g}")

def configs():
    for _ in range(30):
        yield "ExponentialDecay", dict(initial_learning_rate=rate_float(), decay_steps=num(1, 500), decay_rate=rng.choice([rate_float(0.01, 1.0), rate_float(1.0, 3.0), 0.96, 0.5]), staircase=rng.random() < 0.4)
    for _ in range(20):
        n = rng.randint(1, 5)
        kind = rng.choice(["int", "float", "mixed"])
        b = sorted(rng.sample(range(1, 400), n))
        bounds = []
        for x in b:
            k = kind if kind != "mixed" else rng.choice(["int", "float"])
            bounds.append(x if k == "int" else x + rng.choice([0.0, 0.25, 0.5, 0.75, 0.3]))
        vals = [rate_float() for _ in range(n + 1)]
        yield "PiecewiseConstantDecay", dict(boundaries=bounds, values=vals)
    for _ in range(30):
        yield "PolynomialDecay", dict(initial_learning_rate=rate_float(), decay_steps=num(1, 300), end_learning_rate=rng.choice([0.0001, 0.0, rate_float(1e-5, 0.01), 0]), power=rng.choice([1.0, 0.5, 2.0, 3.0, rate_float(0.1, 4), 1]), cycle=rng.random() < 0.5)
    for _ in range(30):
        warm = rng.random() < 0.5
        yield "CosineDecay", dict(initial_learning_rate=rng.choice([0.0, rate_float()]), decay_steps=num(1, 300), alpha=rng.choice([0.0, 0.1, rate_float(0, 0.5), 0]), warmup_target=(rate_float() if warm else None), warmup_steps=(num(0, 50) if warm else rng.choice([0, 5])))
    for _ in range(30):
        yield "CosineDecayRestarts", dict(initial_learning_rate=rate_float(), first_decay_steps=num(1, 60), t_mul=rng.choice([1.0, 2.0, 1.5, rate_float(1.0, 3.0), rate_float(0.5, 1.0), 1]), m_mul=rng.choice([1.0, 0.5, 0.9, rate_float(0.3, 1.2)]), alpha=rng.choice([0.0, 0.1, rate_float(0, 0.5)]))
    for _ in range(10):
        yield "InverseTimeDecay", dict(initial_learning_rate=rate_float(), decay_steps=num(0.1, 100), decay_rate=rate_float(0, 20), staircase=rng.random() < 0.4)

def steps_for(cfg):
    s = []
    for _ in range(per_config):
        r = rng.random()
        if r < 0.45: s.append(rng.randint(0, 500))
        elif r < 0.6: s.append(rng.randint(0, 10**7))
        elif r < 0.65: s.append(rng.randint(0, 2**53))
        else: s.append(float(f"{rng.uniform(0, 600):.{rng.choice([2,4,9])}g}"))
    return s

count = 0
for cls, cfg in configs():
    for dtype in ("float32", "float64"):
        c = dict(cfg)
        if dtype == "float64":
            if cls == "PiecewiseConstantDecay":
                c["values"] = [np.float64(v) for v in c["values"]]
            else:
                c["initial_learning_rate"] = np.float64(c["initial_learning_rate"])
        sched = getattr(S, cls)(**c)
        ser = S.serialize(sched)
        for step in steps_for(cfg):
            v = np.asarray(sched(step))
            assert str(v.dtype) == dtype, (cls, v.dtype, dtype)
            bits = v.view(np.uint32 if dtype == "float32" else np.uint64).item()
            row = {"schedule": ser, "dtype": dtype, "step": step, "step_kind": "int" if isinstance(step, int) else "float",
                   "rate": repr(v.item()) if dtype == "float64" else str(np.float32(v)), "rate_bits": f"{bits:0{8 if dtype=='float32' else 16}x}"}
            out.write(json.dumps(row) + "\n"); count += 1

# Part 2: near the underflow threshold.
rng = random.Random(11)
kept = 0
def emit(cls, cfg, dtype, steps):
    global kept
    c = dict(cfg)
    if dtype == "float64":
        if cls == "PiecewiseConstantDecay": c["values"] = [np.float64(v) for v in c["values"]]
        else: c["initial_learning_rate"] = np.float64(c["initial_learning_rate"])
    s = getattr(S, cls)(**c); ser = S.serialize(s)
    for step in steps:
        v = np.asarray(s(step)); bits = v.view(np.uint32 if dtype == "float32" else np.uint64).item()
        kept += 1
        # A subnormal decay_rate is refused by lrledger (glibc's powf misreads it under DAZ).
        if kept % 4 == 0 and not (cls == "ExponentialDecay" and cfg["decay_rate"] == 1e-40):
            print(json.dumps({"schedule": ser, "dtype": dtype, "step": step, "step_kind": "int" if isinstance(step, int) else "float",
                  "rate": str(v), "rate_bits": f"{bits:0{8 if dtype=='float32' else 16}x}"}))
for dtype, tiny in (("float32", 1e-38), ("float64", 1e-307)):
    for _ in range(40):
        lr = float(f"{tiny * 10 ** rng.uniform(-2, 3):.6g}")
        steps = [rng.randint(0, 3000) for _ in range(15)] + [round(rng.uniform(0, 300), 3) for _ in range(5)]
        emit("ExponentialDecay", dict(initial_learning_rate=lr, decay_steps=rng.randint(1, 50), decay_rate=round(rng.uniform(0.3, 0.99), 3)), dtype, steps)
        emit("InverseTimeDecay", dict(initial_learning_rate=lr, decay_steps=rng.randint(1, 50), decay_rate=round(rng.uniform(0.3, 9.99), 3)), dtype, steps)
        emit("PolynomialDecay", dict(initial_learning_rate=lr, decay_steps=rng.randint(1, 300), end_learning_rate=0.0, power=round(rng.uniform(0.5, 4), 2), cycle=rng.random() < 0.5), dtype, steps)
        emit("CosineDecay", dict(initial_learning_rate=lr, decay_steps=rng.randint(1, 300), alpha=0.0), dtype, steps)
        emit("CosineDecayRestarts", dict(initial_learning_rate=lr, first_decay_steps=rng.randint(1, 30), t_mul=rng.choice([1.0, 2.0, 1.3]), m_mul=round(rng.uniform(0.05, 0.9), 2)), dtype, steps)
    emit("PiecewiseConstantDecay", dict(boundaries=[10, 20], values=[1e-40, 3e-39, 1e-45]), "float32", list(range(0, 30, 3)))
    emit("ExponentialDecay", dict(initial_learning_rate=0.5, decay_steps=1, decay_rate=0.5), dtype, list(range(120, 160)) + list(range(1015, 1080)))
    emit("ExponentialDecay", dict(initial_learning_rate=1.0, decay_steps=1, decay_rate=1e-40), "float32", [0, 1, 2, 0.5])
    emit("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.5), dtype, [1e-40, 1e-30, 2.5e-45])
