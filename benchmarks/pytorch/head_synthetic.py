"""The library's default head in PyTorch, for benchmarks -- heads --synthetic --pytorch.

Same data (written by the C# benchmark), same standardisation, layers (Linear 256, ReLU, Dropout 0.5, Linear),
optimiser (Adam, lr 3e-4, L2 1e-2 on the weights as a loss term), batch sizes and epoch count; two threads.
Prints seconds per epoch (epochs after the first) and the last epoch's validation accuracy.
"""
import sys
import time

import numpy as np
import torch

folder, classes, epochs, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(b) for b in sys.argv[4].split(",")]
torch.set_num_threads(2)
torch.manual_seed(42)


def load(name):
    y = torch.from_numpy(np.fromfile(f"{folder}/{name}.i32", dtype=np.int32).astype(np.int64))
    x = torch.from_numpy(np.fromfile(f"{folder}/{name}.f32", dtype=np.float32).reshape(len(y), -1))
    return x, y


x, y = load("train")
vx, vy = load("validation")
mean, std = x.mean(0), x.std(0, unbiased=False).clamp_min(1e-6)
x, vx = (x - mean) / std, (vx - mean) / std

for batch in batches:
    model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 256), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(256, classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4, eps=1e-7)
    weights = [model[0].weight, model[3].weight]
    times = []
    for epoch in range(epochs):
        start = time.perf_counter()
        model.train()
        for i in torch.randperm(len(y)).split(batch):
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(x[i]), y[i]) + 0.5e-2 * sum((w * w).sum() for w in weights)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(vx).argmax(1) == vy).float().mean().item()
        times.append(time.perf_counter() - start)
    steady = sum(times[1:]) / max(1, len(times) - 1) if len(times) > 1 else times[0]
    print(f"{'pytorch ' + torch.__version__.split('+')[0]:<10} {batch:6} {steady:8.2f} {accuracy:8.4f}", flush=True)
