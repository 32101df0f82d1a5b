#!/usr/bin/python3
"""Reference outputs and gradients for the recurrent and attention layers
(tests/nn/reference_layers_test.cpp), computed by PyTorch in float64.

Run with Debian's python3-torch (only to regenerate the data; the tests and CI
read the committed .npy files and never need torch):

    /usr/bin/python3 tests/nn/reference/make_reference.py

Each case is a directory holding
  <label>.npy        the layer's parameters under tapegrad's labels
                     (nn::load_checkpoint reads them)
  input.npy          x (batch, time, features); h0.npy, c0.npy initial states
  projection*.npy    fixed random weights r; the loss is L = sum(r * output)
                     (+ sum(r_h * h_n) (+ sum(r_c * c_n)) for recurrent layers)
  output.npy, h_n.npy, c_n.npy
  grad_<name>.npy    dL/d(parameter, input, h0, c0)
"""
import math
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def save(case, arrays):
    directory = os.path.join(HERE, case)
    os.makedirs(directory, exist_ok=True)
    for name, value in arrays.items():
        np.save(os.path.join(directory, name + ".npy"),
                np.ascontiguousarray(value.detach().numpy(), dtype="<f8"))


def recurrent_case(case, layer_type, batch=3, time=5, inputs=4, hidden=6):
    torch.manual_seed(len(case) * 7919)
    layer = layer_type(inputs, hidden, batch_first=True)
    x = torch.randn(batch, time, inputs, requires_grad=True)
    h0 = torch.randn(1, batch, hidden, requires_grad=True)
    has_c = layer_type is torch.nn.LSTM
    c0 = torch.randn(1, batch, hidden, requires_grad=True) if has_c else None
    output, state = layer(x, (h0, c0) if has_c else h0)
    h_n = state[0] if has_c else state
    r = torch.randn_like(output)
    r_h = torch.randn_like(h_n)
    loss = (r * output).sum() + (r_h * h_n).sum()
    arrays = {"input": x, "h0": h0[0], "projection": r, "projection_h": r_h[0],
              "output": output, "h_n": h_n[0]}
    if has_c:
        r_c = torch.randn_like(state[1])
        loss = loss + (r_c * state[1]).sum()
        arrays.update({"c0": c0[0], "projection_c": r_c[0], "c_n": state[1][0]})
    names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    params = [getattr(layer, n + "_l0") for n in names]
    wrt = params + [x, h0] + ([c0] if has_c else [])
    grads = torch.autograd.grad(loss, wrt)
    for n, p, g in zip(names, params, grads):
        arrays[n] = p
        arrays["grad_" + n] = g
    arrays["grad_input"] = grads[4]
    arrays["grad_h0"] = grads[5][0]
    if has_c:
        arrays["grad_c0"] = grads[6][0]
    save(case, arrays)


def linear_params(prefix, linear, of):
    return {prefix + ".W": of(linear.weight), prefix + ".b": of(linear.bias)}


def attention_params(prefix, mha, dim, of):
    """`of` maps a torch parameter to itself or its gradient. tapegrad keeps
    query, key and value as three Linears; PyTorch stacks them in in_proj."""
    w, b = of(mha.in_proj_weight), of(mha.in_proj_bias)
    out = {}
    for k, name in enumerate(["query", "key", "value"]):
        out[prefix + name + ".W"] = w[k * dim:(k + 1) * dim]
        out[prefix + name + ".b"] = b[k * dim:(k + 1) * dim]
    out[prefix + "out.W"] = of(mha.out_proj.weight)
    out[prefix + "out.b"] = of(mha.out_proj.bias)
    return out


def with_gradients(loss, x, modules, named):
    """The arrays of a case: `named(of)` gives tapegrad's names for the
    parameters (of = identity) and for their gradients (of = gradient)."""
    leaves = [p for m in modules for p in m.parameters()]
    grads = torch.autograd.grad(loss, leaves + [x])
    grad_of = {id(p): g for p, g in zip(leaves, grads)}
    arrays = {"grad_input": grads[-1]}
    arrays.update(named(lambda p: p))
    arrays.update({"grad_" + n: g for n, g in named(lambda p: grad_of[id(p)]).items()})
    return arrays


def causal_mask(time):
    return torch.triu(torch.ones(time, time, dtype=torch.bool), diagonal=1)


def attention_case(case, causal, batch=2, time=5, dim=8, heads=2):
    torch.manual_seed(len(case) * 104729)
    mha = torch.nn.MultiheadAttention(dim, heads, batch_first=True)
    with torch.no_grad():  # PyTorch starts the biases at 0; random ones test more
        mha.in_proj_bias.normal_()
        mha.out_proj.bias.normal_()
    x = torch.randn(batch, time, dim, requires_grad=True)
    mask = causal_mask(time) if causal else None
    output, _ = mha(x, x, x, attn_mask=mask, need_weights=False)
    r = torch.randn_like(output)
    loss = (r * output).sum()
    arrays = with_gradients(loss, x, [mha], lambda of: attention_params("", mha, dim, of))
    arrays.update({"input": x, "projection": r, "output": output})
    save(case, arrays)


def block_case(case, batch=2, time=4, dim=8, heads=2, hidden=16):
    """Pre-norm: x + attn(ln1(x)), then that + ff(ln2(that)), ff = fc2(gelu(fc1))."""
    torch.manual_seed(11)
    ln1, ln2 = torch.nn.LayerNorm(dim), torch.nn.LayerNorm(dim)
    mha = torch.nn.MultiheadAttention(dim, heads, batch_first=True)
    fc1, fc2 = torch.nn.Linear(dim, hidden), torch.nn.Linear(hidden, dim)
    with torch.no_grad():
        for p in [ln1.weight, ln1.bias, ln2.weight, ln2.bias, mha.in_proj_bias,
                  mha.out_proj.bias]:
            p.add_(0.3 * torch.randn_like(p))
    x = torch.randn(batch, time, dim, requires_grad=True)
    a = ln1(x)
    y = x + mha(a, a, a, attn_mask=causal_mask(time), need_weights=False)[0]
    output = y + fc2(torch.nn.functional.gelu(fc1(ln2(y))))
    r = torch.randn_like(output)
    loss = (r * output).sum()

    def named(of):
        params = {"ln1.weight": of(ln1.weight), "ln1.bias": of(ln1.bias)}
        params.update(attention_params("attn.", mha, dim, of))
        params.update({"ln2.weight": of(ln2.weight), "ln2.bias": of(ln2.bias)})
        params.update(linear_params("ff.fc1", fc1, of))
        params.update(linear_params("ff.fc2", fc2, of))
        return params

    arrays = with_gradients(loss, x, [ln1, mha, ln2, fc1, fc2], named)
    arrays.update({"input": x, "projection": r, "output": output})
    save(case, arrays)


if __name__ == "__main__":
    recurrent_case("rnn", torch.nn.RNN)
    recurrent_case("lstm", torch.nn.LSTM)
    recurrent_case("gru", torch.nn.GRU)
    attention_case("attention", causal=False)
    attention_case("attention_causal", causal=True)
    block_case("transformer_block")
    print("torch", torch.__version__, "wrote", HERE)
