"""Tiny random BERT encoder for transformers.js `pipeline('feature-extraction', ...)`.

Layout written to OUT_DIR (required; created if missing):
  config.json              model_type "bert"  -> AutoModel -> BertModel (EncoderOnly, graph file onnx/model.onnx)
  tokenizer.json           WordPiece, BertNormalizer(lowercase), BertPreTokenizer, [CLS] A [SEP] template
  tokenizer_config.json    tokenizer_class BertTokenizer (=> emits token_type_ids); its presence is what makes
                           pipeline() load a tokenizer at all
  onnx/model.onnx          inputs  input_ids, attention_mask, token_type_ids  int64 [batch_size, sequence_length]
                           output  last_hidden_state float32 [batch_size, sequence_length, hidden]
Usage: /usr/bin/python3 make_bert.py OUT_DIR [--mid]
"""
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import OPSET, check_onnx, out_dir_arg, seed, shrink_init, wordpiece_tokenizer, write_json  # noqa: E402

HIDDEN, LAYERS, HEADS, INTER, MAX_POS = 32, 2, 2, 64, 128
# --mid: a MiniLM-sized random model for benchmarks (not committed; ~10 MB of fp32 weights).
if "--mid" in sys.argv:
    HIDDEN, LAYERS, HEADS, INTER, MAX_POS = 384, 4, 6, 1536, 512


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN)
        self.o = nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ff1, self.ff2 = nn.Linear(HIDDEN, INTER), nn.Linear(INTER, HIDDEN)
        self.norm2 = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x, bias):
        b, s, _ = x.shape
        d = HIDDEN // HEADS

        def split(t):
            return t.view(b, s, HEADS, d).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.norm1(x + self.o(ctx))
        return self.norm2(x + self.ff2(torch.nn.functional.gelu(self.ff1(x))))


class TinyBert(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.word = nn.Embedding(vocab_size, HIDDEN)
        self.pos = nn.Embedding(MAX_POS, HIDDEN)
        self.tok_type = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])

    def forward(self, input_ids, attention_mask, token_type_ids):
        s = input_ids.shape[1]
        pos = torch.arange(s, dtype=torch.long).unsqueeze(0)
        x = self.norm(self.word(input_ids) + self.pos(pos) + self.tok_type(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x


def main(out):
    seed(0)
    tok, vocab = wordpiece_tokenizer()
    write_json(f"{out}/tokenizer.json", tok)
    write_json(f"{out}/tokenizer_config.json", {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": MAX_POS,
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
        "mask_token": "[MASK]", "padding_side": "right",
    })
    write_json(f"{out}/config.json", {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(vocab),
        "hidden_size": HIDDEN, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
        "intermediate_size": INTER, "hidden_act": "gelu", "max_position_embeddings": MAX_POS,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "transformers.js_config": {"dtype": "fp32"},
    })
    model = TinyBert(len(vocab)).eval()
    shrink_init(model, std=0.5 if HIDDEN <= 64 else 0.05)
    ids = torch.tensor([[2, 50, 60, 70, 3], [2, 80, 90, 3, 0]])
    mask = (ids != 0).long()
    os.makedirs(f"{out}/onnx", exist_ok=True)
    dyn = {0: "batch_size", 1: "sequence_length"}
    torch.onnx.export(
        model, (ids, mask, torch.zeros_like(ids)), f"{out}/onnx/model.onnx", opset_version=OPSET,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn, "last_hidden_state": dyn},
        do_constant_folding=True,
    )
    check_onnx(f"{out}/onnx/model.onnx")


if __name__ == "__main__":
    main(out_dir_arg("/usr/bin/python3 make_bert.py OUT_DIR [--mid]"))
