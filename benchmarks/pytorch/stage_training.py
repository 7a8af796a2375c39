"""The PyTorch reference for benchmarks -- stage: the same training step on the same shapes, two threads.

  stage: the bundled ResNet18's last stage as its CNTK export has it (three basic blocks, 256 -> 512 channels, the
         first with a strided 1x1 projection), global average pool, a 10-class Linear; from [batch, 256, 14, 14] maps.
  whole: the whole ResNet18 (7x7 stem, max pool, stages of 2, 2, 2 and 3 blocks) from [batch, 3, 224, 224] images.
BatchNorm in inference mode (running statistics frozen, scale and shift trained), AdamW, cross-entropy.
Prints images per second over the timed steps (after two warm-up steps).
"""
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
torch.manual_seed(42)
mode, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.project = None if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.project is None else self.project(x)))


def stage(cin, cout, blocks, stride):
    return [Block(cin, cout, stride)] + [Block(cout, cout, 1) for _ in range(blocks - 1)]


layer4 = stage(256, 512, 3, 2)
if mode == "stage":
    body, shape = nn.Sequential(*layer4), (batch, 256, 14, 14)
else:
    body = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
                         *stage(64, 64, 2, 1), *stage(64, 128, 2, 2), *stage(128, 256, 2, 2), *layer4)
    shape = (batch, 3, 224, 224)
model = nn.Sequential(body, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10))
model.eval()  # BatchNorm uses its running statistics, as fine-tuning here does
optimizer = torch.optim.AdamW([{"params": body.parameters(), "lr": 3e-5},
                               {"params": model[3].parameters(), "lr": 1e-3}], weight_decay=0.01)
x, y = torch.randn(*shape), torch.randint(0, 10, (batch,))


def step():
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()


step()
step()
start = time.perf_counter()
for _ in range(steps):
    step()
print(f"pytorch {torch.__version__} {mode}, batch {batch}, {torch.get_num_threads()} threads: "
      f"{steps * batch / (time.perf_counter() - start):.1f} img/s")
