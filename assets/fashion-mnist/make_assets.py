#!/usr/bin/env python3
"""Writes the small real image set under assets/fashion-mnist from Debian's dataset-fashion-mnist.

    apt-get install dataset-fashion-mnist && python3 assets/fashion-mnist/make_assets.py

Which images: for each class, `random.Random(SEED).sample` of that class's indices in the official
split, sorted, 200 per class from train-*-idx*-ubyte and 100 per class from t10k-*-idx*-ubyte.
Each file is named after its index in the official split (e.g. train/Bag/00042.png) so a choice can
be traced back. Pure standard library: 28x28 8-bit grayscale PNGs written with zlib.
"""
import gzip, os, random, struct, sys, zlib

SOURCE = "/usr/share/datasets/fashion-mnist"
SEED = 20171025  # the Fashion-MNIST paper's arXiv date; any fixed value works
CLASSES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]
SPLITS = {"train": ("train", 200), "test": ("t10k", 100)}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def png_gray(width, height, pixels):
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main(out_root):
    for split, (prefix, per_class) in SPLITS.items():
        (_, rows, cols), images = read_idx(f"{SOURCE}/{prefix}-images-idx3-ubyte.gz")
        _, labels = read_idx(f"{SOURCE}/{prefix}-labels-idx1-ubyte.gz")
        rng = random.Random(f"{SEED}-{split}")
        for label, name in enumerate(CLASSES):
            indices = [i for i, l in enumerate(labels) if l == label]
            folder = os.path.join(out_root, split, name)
            os.makedirs(folder, exist_ok=True)
            for i in sorted(rng.sample(indices, per_class)):
                pixels = images[i * rows * cols:(i + 1) * rows * cols]
                with open(os.path.join(folder, f"{i:05d}.png"), "wb") as f:
                    f.write(png_gray(cols, rows, pixels))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
