#!/usr/bin/env python3
"""Writes a larger Fashion-MNIST image set for the fine-tuning benchmark (not committed: about 60 MB of PNGs).

    apt-get install dataset-fashion-mnist && python3 benchmarks/fine-tuning/make-set.py OUT [TRAIN_PER_CLASS] [TEST_PER_CLASS]

OUT/train/<class>/NNNNN.png: TRAIN_PER_CLASS (default 1250) images per class from the official training split, and
OUT/test/<class>/: TEST_PER_CLASS (default 300) from the official test split; the same seeded draw as
assets/fashion-mnist/make_assets.py, so the bundled images are among them. 12,500 training-folder images give 11,111
training and 1,389 validation images with the default 80/10 split (WithTestImages takes the test share).
"""
import os, random, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../assets/fashion-mnist"))
import make_assets  # noqa: E402

if __name__ == "__main__":
    out = sys.argv[1]
    make_assets.SPLITS = {"train": ("train", int(sys.argv[2]) if len(sys.argv) > 2 else 1250),
                          "test": ("t10k", int(sys.argv[3]) if len(sys.argv) > 3 else 300)}
    make_assets.main(out)
