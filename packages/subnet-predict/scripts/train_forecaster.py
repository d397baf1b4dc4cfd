"""Trains the tiny PatchTST-style forecaster the predict subnet's miners run through transformers.js.

Usage: /usr/bin/python3 scripts/train_forecaster.py [OUT_DIR]   (default: models/predict-patchtst)
Needs Debian's python3-torch, python3-onnx and python3-numpy (apt-get install -y --no-install-recommends
python3-torch python3-onnx python3-numpy). Runs in about a minute on two CPU cores; deterministic seeds.

Data: the series listed in data/series.json (copies of vega-datasets files). Only the first
`trainFraction` of each series is used for training; the rest is held out, and this script reports the
model's and the naive last-value forecast's MASE on it (written to OUT_DIR/training.json).

I/O contract (the one transformers.js' PatchTSTForPrediction drives, see shared docs/models.md §4.5):
  in  past_values        float32 [batch_size, 64, 1]
  out prediction_outputs float32 [batch_size, 8, 1]
Internals: per-window mean/std scaling -> non-overlapping patches of 8 -> linear patch embedding +
positions -> 2 pre-norm transformer blocks -> flatten head, plus a linear shortcut over the scaled
window. The heads predict the change from the last observed value and start at zero, so training
starts from the naive forecast and has to improve on it.
"""
import csv
import json
import os
import sys
from datetime import datetime, timezone

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CTX, PRED, CH, PATCH, D, HEADS, LAYERS = 64, 8, 1, 8, 32, 2, 2
NP = CTX // PATCH
OPSET = 14


def load_series():
    with open(os.path.join(ROOT, "data", "series.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    out = []
    for s in manifest["series"]:
        with open(os.path.join(ROOT, "data", s["file"]), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        values = np.array([float(r[s["value"]]) for r in rows], dtype=np.float64)
        out.append((s, values))
    return manifest["trainFraction"], out


def held_out_start(n, frac):
    # data/series.json's trainFraction; src/feed.ts computes the same boundary
    return int(np.floor(n * frac))


def windows(values, lo, hi):
    """Windows whose targets lie in [lo, hi): contexts may reach back before lo (they are history)."""
    xs, ys = [], []
    for t in range(max(lo, CTX), hi - PRED + 1):
        xs.append(values[t - CTX:t])
        ys.append(values[t:t + PRED])
    return np.array(xs), np.array(ys)


def mase_scale(ctx):
    """In-sample mean absolute one-step change of each context (the MASE denominator)."""
    d = np.abs(np.diff(ctx, axis=-1)).mean(axis=-1)
    return np.maximum(d, 1e-6 * (np.abs(ctx).mean(axis=-1) + 1.0))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(D)
        self.attn = nn.MultiheadAttention(D, HEADS, batch_first=True)
        self.norm2 = nn.LayerNorm(D)
        self.ff = nn.Sequential(nn.Linear(D, 2 * D), nn.GELU(), nn.Linear(2 * D, D))

    def forward(self, h):
        n = self.norm1(h)
        h = h + self.attn(n, n, n, need_weights=False)[0]
        return h + self.ff(self.norm2(h))


class TinyPatchTST(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(PATCH, D)
        self.position = nn.Parameter(torch.randn(1, NP, D) * 0.02)
        self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.norm = nn.LayerNorm(D)
        self.head = nn.Linear(NP * D, PRED)
        self.shortcut = nn.Linear(CTX, PRED)
        for lin in (self.head, self.shortcut):
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def forward(self, past_values):
        b = past_values.shape[0]
        x = past_values.transpose(1, 2)                                  # [b, CH, CTX]
        loc = x.mean(dim=-1, keepdim=True)
        scale = ((x - loc) ** 2).mean(dim=-1, keepdim=True).add(1e-5).sqrt()
        xn = ((x - loc) / scale).reshape(b * CH, CTX)
        h = self.embed(xn.reshape(b * CH, NP, PATCH)) + self.position
        for blk in self.blocks:
            h = blk(h)
        h = self.norm(h)
        delta = self.head(h.reshape(b * CH, NP * D)) + self.shortcut(xn)
        y = (xn[:, -1:] + delta).reshape(b, CH, PRED) * scale + loc
        return y.transpose(1, 2)                                         # [b, PRED, CH]


def main(out):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    frac, series = load_series()

    train, test = [], []
    for s, v in series:
        cut = held_out_start(len(v), frac)
        train.append(windows(v, 0, cut))
        test.append((s, windows(v, cut, len(v))))

    model = TinyPatchTST()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    epochs, per_series, batch = 30, 1024, 256
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    for epoch in range(epochs):
        # the same number of windows from every series, so the long hourly one does not dominate
        xs, ys = [], []
        for x, y in train:
            idx = rng.integers(0, len(x), per_series)
            xs.append(x[idx])
            ys.append(y[idx])
        x = np.concatenate(xs)
        y = np.concatenate(ys)
        sc = mase_scale(x)
        order = rng.permutation(len(x))
        model.train()
        total = 0.0
        for i in range(0, len(order), batch):
            j = order[i:i + batch]
            xb = torch.tensor(x[j], dtype=torch.float32).unsqueeze(-1)
            yb = torch.tensor(y[j], dtype=torch.float32)
            sb = torch.tensor(sc[j], dtype=torch.float32).unsqueeze(-1)
            pred = model(xb).squeeze(-1)
            loss = ((pred - yb).abs() / sb).mean()                       # MASE, the metric we score with
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(j)
        sched.step()
        if epoch % 5 == 4 or epoch == epochs - 1:
            print(f"epoch {epoch + 1}: train MASE {total / len(order):.3f}")

    model.eval()
    report = {"generatedAt": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "heldOut": {}}
    with torch.no_grad():
        for s, (x, y) in test:
            pred = model(torch.tensor(x, dtype=torch.float32).unsqueeze(-1)).squeeze(-1).numpy()
            h = s["horizon"]
            sc = mase_scale(x)
            m = (np.abs(pred[:, :h] - y[:, :h]).mean(axis=1) / sc).mean()
            naive = (np.abs(x[:, -1:] - y[:, :h]).mean(axis=1) / sc).mean()
            report["heldOut"][s["id"]] = {"windows": int(len(x)), "horizon": h,
                                          "modelMase": round(float(m), 4), "naiveMase": round(float(naive), 4)}
            print(f"held-out {s['id']}: {len(x)} windows, horizon {h}: model MASE {m:.3f}, naive MASE {naive:.3f}")

    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump({
            "architectures": ["PatchTSTForPrediction"], "model_type": "patchtst", "context_length": CTX,
            "prediction_length": PRED, "num_input_channels": CH, "patch_length": PATCH, "patch_stride": PATCH,
            "d_model": D, "num_attention_heads": HEADS, "num_hidden_layers": LAYERS, "scaling": "std",
            "transformers.js_config": {"dtype": "fp32"},
        }, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "training.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    x = torch.randn(2, CTX, CH)
    path = os.path.join(out, "onnx", "model.onnx")
    torch.onnx.export(model, (x,), path, opset_version=OPSET, input_names=["past_values"],
                      output_names=["prediction_outputs"],
                      dynamic_axes={"past_values": {0: "batch_size"}, "prediction_outputs": {0: "batch_size"}},
                      do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(os.path.abspath(args[0]) if args else os.path.join(ROOT, "models", "predict-patchtst"))
