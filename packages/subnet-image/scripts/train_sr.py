"""Trains the tiny x2 super-resolution model this subnet's honest miners run offline.

The graph keeps the Swin2SR I/O contract transformers.js' `pipeline('image-to-image')` expects
(config model_type "swin2sr", `pixel_values` [b, 3, H, W] in 0..1 -> `reconstruction` [b, 3, 2H, 2W]),
but inside it is a small ESPCN-style residual CNN on top of a *fixed* bicubic x2 layer that equals
the validator's baseline (src/resample.ts: Keys a = -0.5, pixel-centre aligned, edges replicated).
The residual branch starts at zero, so the untrained model is exactly bicubic and training can only
add detail on top; it is trained with L1 loss on pairs made by scripts/make-training-data.ts.

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


class TinySR(nn.Module):
    def __init__(self):
        super().__init__()
        self.base = Bicubic2x()
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
    model = TinySR()
    with torch.no_grad():
        base_val = psnr(model.base(vlo), vhi)
    print(f"pairs {len(lo)} train / {len(vlo)} val; bicubic val PSNR {base_val:.3f} dB", flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    batch, t0 = 32, time.time()
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(lo), (batch,))
        x, y = lo[idx], hi[idx]
        if step % 2 == 0:  # extra flips: the data already has them, this doubles the variety
            x, y = x.flip(-1), y.flip(-1)
        loss = F.l1_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 250 == 0 or step == steps:
            with torch.no_grad():
                v = psnr(model(vlo), vhi)
            print(f"step {step} loss {loss.item():.4f} val PSNR {v:.3f} dB (+{v - base_val:.3f}) {time.time() - t0:.0f}s", flush=True)
    model.eval()
    with torch.no_grad():
        final = psnr(model(vlo), vhi)
    os.makedirs(f"{out}/onnx", exist_ok=True)
    with open(f"{out}/config.json", "w") as f:
        json.dump({
            "architectures": ["Swin2SRForImageSuperResolution"], "model_type": "swin2sr", "upscale": UP,
            "window_size": 8, "embed_dim": C, "num_channels": 3, "img_range": 1.0, "upsampler": "pixelshuffle",
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
                   "val_psnr_bicubic_db": round(base_val, 3), "val_psnr_model_db": round(final, 3)}, f, indent=2)
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
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 3000)
