"""Tiny random GPT-2 style decoder for transformers.js `pipeline('text-generation', ...)`.

transformers.js v4 loads decoder-only models (model_type gpt2 -> GPT2LMHeadModel, MODEL_TYPES.DecoderOnly)
from ONE file: onnx/model.onnx  (NOT decoder_model_merged.onnx; that name is only used by seq2seq /
vision2seq / multimodal models in v4). The graph must carry its own KV cache:

  inputs  input_ids                      int64  [batch_size, sequence_length]
          attention_mask                 int64  [batch_size, past_sequence_length + sequence_length]
          position_ids (optional)        int64  [batch_size, sequence_length]   (fed iff the graph declares it)
          past_key_values.{i}.key/value  float32 [batch_size, n_head, past_sequence_length, head_dim]
  outputs logits                         float32 [batch_size, sequence_length, vocab]
          present.{i}.key/value          float32 [batch_size, n_head, past_sequence_length + sequence_length, head_dim]

On the first step transformers.js feeds zero-length past tensors whose shape it derives from the graph's
input metadata (symbolic dims -> batch size or 0), so head count/head_dim must be static in the graph.
The number of layers it expects comes from config.n_layer (gpt2 normalisation: n_head/n_layer/n_embd).

Usage: /usr/bin/python3 make_gpt2.py OUT_DIR [--no-position-ids] [--no-cache] [--mid]
  --no-position-ids  graph computes positions from attention_mask itself (transformers.js then does not feed them)
  --no-cache         NEGATIVE CONTROL ONLY: graph without past/present tensors. transformers.js accepts it at load
                     time but generation breaks from the 2nd token on (it feeds only the newest token).
"""
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import CORPUS, OPSET, bytelevel_bpe_tokenizer, check_onnx, out_dir_arg, seed, shrink_init, write_json  # noqa: E402

N_EMBD, N_LAYER, N_HEAD, N_POS = 32, 2, 2, 256
# --mid: a distilgpt2-shaped (narrower) random model for benchmarks (not committed).
if "--mid" in sys.argv:
    N_EMBD, N_LAYER, N_HEAD, N_POS = 384, 4, 6, 512
HEAD_DIM = N_EMBD // N_HEAD


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(N_EMBD)
        self.c_attn = nn.Linear(N_EMBD, 3 * N_EMBD)
        self.c_proj = nn.Linear(N_EMBD, N_EMBD)
        self.ln_2 = nn.LayerNorm(N_EMBD)
        self.fc = nn.Linear(N_EMBD, 4 * N_EMBD)
        self.proj = nn.Linear(4 * N_EMBD, N_EMBD)

    def forward(self, x, bias, past_k, past_v):
        b, s, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(N_EMBD, dim=2)

        def heads(t):
            return t.view(b, s, N_HEAD, HEAD_DIM).transpose(1, 2)

        q, k, v = heads(q), heads(k), heads(v)
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HEAD_DIM) + bias, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, s, N_EMBD)
        x = x + self.c_proj(y)
        x = x + self.proj(torch.nn.functional.gelu(self.fc(self.ln_2(x))))
        return x, k, v


class TinyGPT2(nn.Module):
    def __init__(self, vocab_size, use_position_ids=True, no_cache=False):
        super().__init__()
        self.no_cache = no_cache
        self.use_position_ids = use_position_ids
        self.wte = nn.Embedding(vocab_size, N_EMBD)
        self.wpe = nn.Embedding(N_POS, N_EMBD)
        self.h = nn.ModuleList([Block() for _ in range(N_LAYER)])
        self.ln_f = nn.LayerNorm(N_EMBD)

    def forward(self, input_ids, attention_mask, *rest):
        if self.no_cache:
            b = input_ids.shape[0]
            rest = tuple(rest) + tuple(torch.zeros(b, N_HEAD, 0, HEAD_DIM) for _ in range(2 * N_LAYER))
        if self.use_position_ids:
            position_ids, past = rest[0], rest[1:]
        else:
            past = rest
        s = input_ids.shape[1]
        past_len = past[0].shape[2]
        if not self.use_position_ids:  # derive positions from the mask (left-padding safe)
            position_ids = (torch.cumsum(attention_mask, dim=1) - 1).clamp(min=0)[:, past_len:]
        x = self.wte(input_ids) + self.wpe(position_ids)
        total = past_len + s
        q_pos = torch.arange(s, dtype=torch.long) + past_len
        k_pos = torch.arange(total, dtype=torch.long)
        causal = (k_pos[None, :] <= q_pos[:, None])[None, None, :, :]          # [1,1,s,total]
        keep = causal & (attention_mask[:, None, None, :] > 0)                  # [b,1,s,total]
        bias = (1.0 - keep.to(torch.float32)) * -1e9
        presents = []
        for i, block in enumerate(self.h):
            x, k, v = block(x, bias, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        logits = self.ln_f(x) @ self.wte.weight.t()
        return (logits,) if self.no_cache else (logits, *presents)


def main(out, use_position_ids=True, no_cache=False):
    seed(0)
    tok, vocab = bytelevel_bpe_tokenizer(CORPUS, num_merges=200)
    eos_id = len(vocab) - 1
    write_json(f"{out}/tokenizer.json", tok)
    write_json(f"{out}/tokenizer_config.json", {
        "tokenizer_class": "GPT2Tokenizer", "model_max_length": N_POS, "add_prefix_space": False,
        "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>", "padding_side": "left",
        # optional: lets pipeline() accept chat messages ([{role, content}]) too
        "chat_template": "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                         "{% if add_generation_prompt %}assistant:{% endif %}",
    })
    write_json(f"{out}/config.json", {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": len(vocab),
        "n_embd": N_EMBD, "n_layer": N_LAYER, "n_head": N_HEAD, "n_positions": N_POS, "n_ctx": N_POS,
        "bos_token_id": eos_id, "eos_token_id": eos_id, "use_cache": True,
        "transformers.js_config": {"dtype": "fp32"},
    })
    write_json(f"{out}/generation_config.json", {
        "bos_token_id": eos_id, "eos_token_id": eos_id, "max_length": N_POS, "do_sample": False,
    })
    model = TinyGPT2(len(vocab), use_position_ids, no_cache).eval()
    shrink_init(model, std=0.3 if N_EMBD <= 64 else 0.05)

    b, s, past = 2, 3, 4
    ids = torch.randint(0, len(vocab), (b, s))
    mask = torch.ones(b, past + s, dtype=torch.long)
    pos = torch.arange(past, past + s).unsqueeze(0).repeat(b, 1)
    if no_cache:
        past = 0
        mask = torch.ones(b, s, dtype=torch.long)
        pos = torch.arange(s).unsqueeze(0).repeat(b, 1)
    pkv = [] if no_cache else [torch.randn(b, N_HEAD, past, HEAD_DIM) for _ in range(2 * N_LAYER)]
    in_names = ["input_ids", "attention_mask"] + (["position_ids"] if use_position_ids else [])
    pkv_names = [] if no_cache else [f"past_key_values.{i}.{kv}" for i in range(N_LAYER) for kv in ("key", "value")]
    present_names = [] if no_cache else [f"present.{i}.{kv}" for i in range(N_LAYER) for kv in ("key", "value")]
    dyn = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    if use_position_ids:
        dyn["position_ids"] = {0: "batch_size", 1: "sequence_length"}
    for n in pkv_names:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in present_names:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    args = (ids, mask) + ((pos,) if use_position_ids else ()) + tuple(pkv)
    os.makedirs(f"{out}/onnx", exist_ok=True)
    torch.onnx.export(model, args, f"{out}/onnx/model.onnx", opset_version=OPSET,
                      input_names=in_names + pkv_names, output_names=["logits"] + present_names,
                      dynamic_axes=dyn, do_constant_folding=True)
    check_onnx(f"{out}/onnx/model.onnx")


if __name__ == "__main__":
    out = out_dir_arg("/usr/bin/python3 make_gpt2.py OUT_DIR [--no-position-ids] [--no-cache]")
    main(out, "--no-position-ids" not in sys.argv, "--no-cache" in sys.argv)
