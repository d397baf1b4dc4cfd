"""Fits the tiny x2 super-resolution model this subnet's honest miners run offline.

The graph keeps the Swin2SR I/O contract transformers.js' `pipeline('image-to-image')` expects
(config model_type "swin2sr", `pixel_values` [b, 3, H, W] in 0..1 -> `reconstruction` [b, 3, 2H, 2W]),
but inside it is a learned *linear* upsampler: one 7x7 filter per output phase (4 phases, shared by
the R, G and B channels, edges replicated) followed by PixelShuffle, solved in closed form by least
squares on pairs made by scripts/make-training-data.ts (the validator's own degradation). The
optimal linear inverse of the antialiased bicubic x1/2 degradation beats bicubic upscaling by about
1 dB. Optionally (STEPS > 0) a small residual CNN, zero-initialised, is trained on top with MSE.

Usage: /usr/bin/python3 train_sr.py TRAIN.bin VAL.bin OUT_DIR [STEPS]
(Debian: apt-get install -y --no-install-recommends python3-torch python3-onnx python3-numpy)
"""
import json
import math
import os
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

C, LAYERS, UP = 32, 4, 2


def keys(x):
    t = abs(x)
    if t <= 1:
        return 1.5 * t ** 3 - 2.5 * t ** 2 + 1
    if t < 2:
        return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2
    return 0.0


# 5 taps over inputs k-2..k+2: output 2k sits at k - 0.25, output 2k+1 at k + 0.25 (src/resample.ts)
EVEN = [keys(1.75), keys(0.75), keys(0.25), keys(1.25), 0.0]
ODD = [0.0, keys(1.25), keys(0.25), keys(0.75), keys(1.75)]


class Bicubic2x(nn.Module):
    """Fixed separable bicubic x2: 4 phase kernels per channel, then PixelShuffle."""

    def __init__(self):
        super().__init__()
        phases = [EVEN, ODD]
        w = torch.zeros(3 * 4, 1, 5, 5)
        for c in range(3):
            for i in range(2):  # row phase
                for j in range(2):  # column phase
                    w[c * 4 + i * 2 + j, 0] = torch.outer(torch.tensor(phases[i]), torch.tensor(phases[j]))
        self.register_buffer("weight", w)
        self.shuffle = nn.PixelShuffle(UP)

    def forward(self, x):
        x = F.pad(x, (2, 2, 2, 2), mode="replicate")
        return self.shuffle(F.conv2d(x, self.weight, groups=3))


K = 7  # learned filter size (LR pixels)


class LinearUp(nn.Module):
    """Fixed-size learned linear x2: a 7x7 filter per output phase, the same for every channel."""

    def __init__(self, weight=None, bias=None):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(3 * 4, 1, K, K) if weight is None else weight)
        self.bias = nn.Parameter(torch.zeros(3 * 4) if bias is None else bias)
        self.shuffle = nn.PixelShuffle(UP)

    def forward(self, x):
        x = F.pad(x, (K // 2,) * 4, mode="replicate")
        return self.shuffle(F.conv2d(x, self.weight, self.bias, groups=3))


def patches(x):
    """Every LR pixel's KxK neighbourhood (replicated edges), one row per pixel and channel."""
    b, c, h, w = x.shape
    u = F.unfold(F.pad(x.reshape(b * c, 1, h, w), (K // 2,) * 4, mode="replicate"), K)
    return u.permute(0, 2, 1).reshape(-1, K * K)


def phases(y):
    """The four HR pixels (rows i, columns j) above each LR pixel, in PixelShuffle order i*2+j."""
    return torch.stack([y[:, :, i::2, j::2] for i in range(2) for j in range(2)], -1).reshape(-1, 4)


def fit_linear(lo, hi, chunk=200):
    """Least squares over all training pairs, accumulated as normal equations (49+1 unknowns a phase)."""
    xtx = torch.zeros(K * K + 1, K * K + 1, dtype=torch.float64)
    xty = torch.zeros(K * K + 1, 4, dtype=torch.float64)
    for s in range(0, len(lo), chunk):
        x = patches(lo[s:s + chunk]).double()
        x = torch.cat([x, torch.ones(len(x), 1, dtype=torch.float64)], 1)
        xtx += x.T @ x
        xty += x.T @ phases(hi[s:s + chunk]).double()
    sol = torch.linalg.solve(xtx + 1e-6 * torch.eye(K * K + 1, dtype=torch.float64), xty).float()  # [50, 4]
    kernels = sol[:-1].T.reshape(4, 1, K, K)
    return LinearUp(kernels.repeat(3, 1, 1, 1).clone(), sol[-1].repeat(3).clone())


class TinySR(nn.Module):
    def __init__(self, base):
        super().__init__()
        self.base = base
        layers = [nn.Conv2d(3, C, 3, padding=1), nn.ReLU()]
        for _ in range(LAYERS - 1):
            layers += [nn.Conv2d(C, C, 3, padding=1), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.tail = nn.Conv2d(C, 3 * UP * UP, 3, padding=1)
        nn.init.zeros_(self.tail.weight)
        nn.init.zeros_(self.tail.bias)
        self.shuffle = nn.PixelShuffle(UP)

    def forward(self, pixel_values):
        residual = self.shuffle(self.tail(self.body(pixel_values - 0.5)))
        return self.base(pixel_values) + residual


def load_pairs(path):
    raw = np.fromfile(path, dtype=np.uint8)
    count, hr = np.frombuffer(raw[:8].tobytes(), dtype=np.int32)
    lr = hr // 2
    per = hr * hr * 3 + lr * lr * 3
    body = raw[8:8 + count * per].reshape(count, per)
    hi = body[:, : hr * hr * 3].reshape(count, hr, hr, 3)
    lo = body[:, hr * hr * 3:].reshape(count, lr, lr, 3)
    to_t = lambda a: torch.from_numpy(a.astype(np.float32) / 255).permute(0, 3, 1, 2).contiguous()  # noqa: E731
    return to_t(lo), to_t(hi)


def psnr(pred, target):
    # measured as the validator does: on 8-bit values
    p = (pred.clamp(0, 1) * 255).round()
    t = (target * 255).round()
    mse = ((p - t) ** 2).mean(dim=(1, 2, 3))
    return (10 * torch.log10(255 ** 2 / mse.clamp_min(1e-10))).mean().item()


def main(train_path, val_path, out, steps):
    torch.manual_seed(0)
    torch.set_num_threads(2)
    lo, hi = load_pairs(train_path)
    vlo, vhi = load_pairs(val_path)
    with torch.no_grad():
        base_val = psnr(Bicubic2x()(vlo), vhi)
    print(f"pairs {len(lo)} train / {len(vlo)} val; bicubic val PSNR {base_val:.3f} dB", flush=True)
    t0 = time.time()
    linear = fit_linear(lo, hi)
    with torch.no_grad():
        lin_val = psnr(linear(vlo), vhi)
    print(f"linear least squares: val PSNR {lin_val:.3f} dB (+{lin_val - base_val:.3f}) {time.time() - t0:.0f}s", flush=True)
    model = linear
    if steps > 0:
        model = TinySR(linear)
        opt = torch.optim.Adam([p for n, p in model.named_parameters() if not n.startswith("base.")], lr=1e-3)
        for step in range(1, steps + 1):
            idx = torch.randint(0, len(lo), (32,))
            loss = F.mse_loss(model(lo[idx]), hi[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 250 == 0 or step == steps:
                with torch.no_grad():
                    v = psnr(model(vlo), vhi)
                print(f"step {step} loss {loss.item():.5f} val PSNR {v:.3f} dB (+{v - base_val:.3f}) {time.time() - t0:.0f}s", flush=True)
    model.eval()
    with torch.no_grad():
        final = psnr(model(vlo), vhi)
    os.makedirs(f"{out}/onnx", exist_ok=True)
    with open(f"{out}/config.json", "w") as f:
        json.dump({
            "architectures": ["Swin2SRForImageSuperResolution"], "model_type": "swin2sr", "upscale": UP,
            "window_size": 8, "embed_dim": K * K, "num_channels": 3, "img_range": 1.0, "upsampler": "pixelshuffle",
            "transformers.js_config": {"dtype": "fp32"},
        }, f, indent=2)
        f.write("\n")
    with open(f"{out}/preprocessor_config.json", "w") as f:
        # no feature_extractor_type: transformers.js throws on names it does not know
        json.dump({"image_processor_type": "Swin2SRImageProcessor", "do_rescale": True,
                   "rescale_factor": 1 / 255, "do_pad": True, "pad_size": 8}, f, indent=2)
        f.write("\n")
    with open(f"{out}/training.json", "w") as f:
        json.dump({"steps": steps, "train_pairs": len(lo), "val_pairs": len(vlo),
                   "val_psnr_bicubic_db": round(base_val, 3), "val_psnr_linear_db": round(lin_val, 3),
                   "val_psnr_model_db": round(final, 3)}, f, indent=2)
        f.write("\n")
    torch.onnx.export(model, (vlo[:1, :, :16, :24],), f"{out}/onnx/model.onnx", opset_version=14,
                      input_names=["pixel_values"], output_names=["reconstruction"],
                      dynamic_axes={"pixel_values": {0: "batch_size", 2: "height", 3: "width"},
                                    "reconstruction": {0: "batch_size", 2: "out_height", 3: "out_width"}},
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(f"{out}/onnx/model.onnx"))
    print(f"wrote {out}: val PSNR {final:.3f} dB vs bicubic {base_val:.3f} dB", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: train_sr.py TRAIN.bin VAL.bin OUT_DIR [STEPS]")
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
