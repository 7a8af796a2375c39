#!/usr/bin/python3
"""Writes the offline image sets the novelty benchmark needs (not committed; rerun to remake them):

  OUT/digits/{train,test}/<0..9>/*.png  the 1,797 real handwritten digits scikit-learn ships (UCI, 8x8, 16 grey
                                        levels), enlarged to 28x28 white-on-black like the bundled Fashion-MNIST
  OUT/photos/*.png                      real photographs scikit-image ships (astronaut, coffee, chelsea the cat, ...),
                                        whole and as 4 corner crops each

Needs Debian's python3-sklearn and python3-skimage (apt-get install python3-sklearn python3-skimage).
Usage: /usr/bin/python3 benchmarks/novelty/make-sets.py OUT   (Debian's python, which has those packages)
"""
import os
import sys

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits
import skimage.data

out = sys.argv[1]
digits = load_digits()
rng = np.random.default_rng(0)
order = rng.permutation(len(digits.images))
test = set(order[: len(order) // 4].tolist())  # a quarter for testing, the rest for training
for i, (image, label) in enumerate(zip(digits.images, digits.target)):
    part = "test" if i in test else "train"
    folder = os.path.join(out, "digits", part, str(label))
    os.makedirs(folder, exist_ok=True)
    pixels = (image / 16.0 * 255).astype(np.uint8)
    Image.fromarray(pixels, "L").resize((28, 28), Image.BILINEAR).save(os.path.join(folder, f"{i:04d}.png"))

folder = os.path.join(out, "photos")
os.makedirs(folder, exist_ok=True)
names = ["astronaut", "coffee", "chelsea", "rocket", "camera", "brick", "grass", "gravel", "moon", "page",
         "text", "horse", "hubble_deep_field", "immunohistochemistry", "retina", "colorwheel", "logo", "cell"]
count = 0
for name in names:
    try:
        image = np.asarray(getattr(skimage.data, name)())
    except Exception as error:  # a file this version of scikit-image lacks
        print(f"skipped {name}: {error}")
        continue
    if image.dtype != np.uint8:
        image = (255 * (image.astype(np.float64) / max(1, image.max()))).astype(np.uint8)
    picture = Image.fromarray(image).convert("RGB")
    w, h = picture.size
    crops = [(0, 0, w, h), (0, 0, w // 2, h // 2), (w // 2, 0, w, h // 2), (0, h // 2, w // 2, h), (w // 2, h // 2, w, h)]
    for k, box in enumerate(crops):
        picture.crop(box).save(os.path.join(folder, f"{name}-{k}.png"))
        count += 1
print(f"digits: {len(digits.images)} images; photos: {count} images from {len(names)} pictures")
