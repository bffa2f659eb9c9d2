#!/usr/bin/env python3
"""ELEG5491 HW2 P5 (CIFAR-10 LeNet) as a PyTorch student would train it: writes the Python
reference submission's trained networks and per-epoch logs.

  fixtures/submissions/reference-py/cifar-runs/<std001|he|bn>/model.npz   state_dict as NumPy arrays
  fixtures/submissions/reference-py/cifar-runs/<std001|he|bn>/log.csv     epoch,train_loss,test_accuracy

This is how those fixtures were made; nothing at test time runs it.  Needs PyTorch (CPU) and NumPy:
  CIFAR10_DIR=/path/to/cifar-10-batches-bin /usr/bin/python3 scripts/cifar_runs_torch.py [variant ...]

Network (the homework's LeNet, NCHW): conv 5×5 ×6 (valid) → [BN2d] → ReLU → maxpool 2 → conv 5×5 ×16
→ [BN2d] → ReLU → maxpool 2 → flatten (C,H,W) → Linear 400→120 → [BN1d] → ReLU → Linear 120→84
→ [BN1d] → ReLU → Linear 84→10.  BN ε = 1e-5, momentum 0.1.
Variants as in src/cifar/train.ts: std001 (weights N(0, 0.01²)), he (N(0, 2/fan_in)), bn (He + BN);
biases 0, BN γ = 1, β = 0.  SGD lr 0.001, momentum 0.9, weight decay 5e-4 (on every parameter),
batch 32 (the last partial batch of an epoch is dropped, as in trainCifar), 5 epochs, lr ×0.1 from
epoch 5 on (stepLr(lr, e, 4)), shuffled with a fixed seed.  x = pixel / 127.5 − 1.
"""
import csv
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'fixtures', 'submissions', 'reference-py', 'cifar-runs')
VARIANTS = {'std001': ('std0.01', False), 'he': ('he', False), 'bn': ('he', True)}
EPOCHS, BATCH, LR, MOMENTUM, WEIGHT_DECAY = 5, 32, 0.001, 0.9, 5e-4
LR_STEP_EPOCHS, LR_GAMMA = 4, 0.1
SEED = 1


def load_cifar(root):
    """(x float32 [N,3,32,32] in [−1, 1], y int64 [N]) for the training and test sets."""
    def read(names):
        raw = np.concatenate([np.fromfile(os.path.join(root, n), dtype=np.uint8).reshape(-1, 3073) for n in names])
        x = (raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / np.float32(127.5)) - np.float32(1)
        return torch.from_numpy(x), torch.from_numpy(raw[:, 0].astype(np.int64))
    return read([f'data_batch_{i}.bin' for i in range(1, 6)]), read(['test_batch.bin'])


class LeNet(nn.Module):
    def __init__(self, batch_norm):
        super().__init__()
        self.batch_norm = batch_norm
        self.conv1 = nn.Conv2d(3, 6, 5)
        if batch_norm:
            self.bn1 = nn.BatchNorm2d(6, eps=1e-5, momentum=0.1)
        self.conv2 = nn.Conv2d(6, 16, 5)
        if batch_norm:
            self.bn2 = nn.BatchNorm2d(16, eps=1e-5, momentum=0.1)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        if batch_norm:
            self.bn3 = nn.BatchNorm1d(120, eps=1e-5, momentum=0.1)
        self.fc2 = nn.Linear(120, 84)
        if batch_norm:
            self.bn4 = nn.BatchNorm1d(84, eps=1e-5, momentum=0.1)
        self.fc3 = nn.Linear(84, 10)

    def _bn(self, name, z):
        return getattr(self, name)(z) if self.batch_norm else z

    def forward(self, x):
        h = F.max_pool2d(F.relu(self._bn('bn1', self.conv1(x))), 2)
        h = F.max_pool2d(F.relu(self._bn('bn2', self.conv2(h))), 2)
        h = torch.flatten(h, 1)
        h = F.relu(self._bn('bn3', self.fc1(h)))
        h = F.relu(self._bn('bn4', self.fc2(h)))
        return self.fc3(h)


def init_weights(net, scheme):
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()  # c_in·k·k or in
            std = (2.0 / fan_in) ** 0.5 if scheme == 'he' else 0.01
            nn.init.normal_(m.weight, 0.0, std)
            nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


@torch.no_grad()
def test_accuracy(net, x, y):
    net.eval()
    correct = sum(int((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum()) for i in range(0, len(x), 1000))
    return correct / len(x)


def run(variant, train, test):
    scheme, batch_norm = VARIANTS[variant]
    torch.manual_seed(SEED)
    net = LeNet(batch_norm)
    init_weights(net, scheme)
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=LR_STEP_EPOCHS, gamma=LR_GAMMA)
    (xtr, ytr), (xte, yte) = train, test
    steps = len(xtr) // BATCH
    gen = torch.Generator().manual_seed(SEED)
    rows = []
    for epoch in range(1, EPOCHS + 1):
        net.train()
        t0 = time.time()
        order = torch.randperm(len(xtr), generator=gen)
        loss_sum = 0.0
        for s in range(steps):
            idx = order[s * BATCH:(s + 1) * BATCH]
            loss = F.cross_entropy(net(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item()
        sched.step()
        acc = test_accuracy(net, xte, yte)
        rows.append((epoch, loss_sum / steps, acc))
        print(f'[{variant}] epoch {epoch}: train loss {loss_sum / steps:.4f}, test accuracy {acc:.4f} ({time.time() - t0:.0f} s)', flush=True)
    d = os.path.join(OUT, variant)
    os.makedirs(d, exist_ok=True)
    np.savez(os.path.join(d, 'model.npz'), **{k: v.detach().cpu().numpy() for k, v in net.state_dict().items()})
    with open(os.path.join(d, 'log.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['epoch', 'train_loss', 'test_accuracy'])
        for e, l, a in rows:
            w.writerow([e, f'{l:.6f}', f'{a:.4f}'])


def main():
    # one intra-op thread: on a shared 2-core machine, 2 threads made this small net's steps
    # 4–8× slower (threads spinning for cores that others hold); TORCH_THREADS overrides
    torch.set_num_threads(int(os.environ.get('TORCH_THREADS', '1')))
    root = os.environ.get('CIFAR10_DIR', '/work/shared/data/cifar-10-batches-bin')
    train, test = load_cifar(root)
    for v in sys.argv[1:] or list(VARIANTS):
        if v not in VARIANTS:
            sys.exit(f'unknown variant {v} (one of {", ".join(VARIANTS)})')
        run(v, train, test)


if __name__ == '__main__':
    main()
