"""Regenerate src/__fixtures__/otsu-skimage.json and src/__fixtures__/numpy-moments.json.

Reference implementations: scikit-image's skimage.filters.threshold_otsu and numpy's
mean / var / std / quantile. Run with a Python that has both, e.g. on Debian 12:

    apt-get install python3-skimage        # scikit-image 0.19.3, numpy 1.24.2
    /usr/bin/python3 packages/stats/scripts/generate-python-fixtures.py

The inputs are drawn from numpy.random.RandomState with fixed seeds and written into the fixtures,
so the tests never need Python.
"""

import json
import os

import numpy as np
import skimage
from skimage.filters import threshold_otsu

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "src", "__fixtures__")


def exact_otsu_brute_force(values):
    """Independent bin-free oracle: the cut x <= t maximising the between-class sum of squares,
    computed directly with numpy means for every distinct t except the maximum (first max wins)."""
    values = np.asarray(values, dtype=np.float64)
    levels = np.unique(values)
    if levels.size == 1:
        return float(levels[0])
    total = values.mean()
    best, best_t = -1.0, None
    for t in levels[:-1]:
        low, high = values[values <= t], values[values > t]
        score = low.size * (low.mean() - total) ** 2 + high.size * (high.mean() - total) ** 2
        if score > best:
            best, best_t = score, float(t)
    return best_t


def otsu_cases():
    rng = np.random.RandomState(20240601)
    cases = []

    def add(name, values, bins_list, note=None):
        values = np.asarray(values, dtype=np.float64)
        assert values.size < 8192, "keep n < 8192 so w1*w2 < 2**24 (float32-exact in skimage >= 0.20)"
        expected = {str(b): float(threshold_otsu(values, nbins=b)) for b in bins_list}
        case = {
            "name": name,
            "values": [float(v) for v in values],
            "thresholds": expected,
            "exactThreshold": exact_otsu_brute_force(values),
        }
        if note:
            case["note"] = note
        cases.append(case)

    add("hand example", [1, 2, 3, 10, 11, 12], [2, 4, 256])
    add("two values", [0, 1, 1, 0, 1], [2, 3, 256])
    add("all equal", [5, 5, 5, 5], [2, 256], "threshold_otsu returns the common value")
    add(
        "bimodal normal mixture n=500",
        np.concatenate([rng.normal(0, 1, 350), rng.normal(6, 1.5, 150)]),
        [2, 3, 16, 64, 256, 1000],
    )
    add("exponential n=300", rng.exponential(2.0, 300), [2, 16, 256])
    add(
        "integer-valued floats n=400 (many ties)",
        np.round(rng.normal(50, 12, 400)),
        [2, 10, 256],
        "values are float64, so skimage bins them (its integer-dtype path is not used)",
    )
    add(
        "large offset n=200",
        1e6 + np.concatenate([rng.normal(0, 1e-3, 120), rng.normal(5e-3, 1e-3, 80)]),
        [16, 256],
    )
    add(
        "negative and positive n=250",
        np.concatenate([rng.uniform(-3, -1, 100), rng.uniform(0.5, 4, 150)]),
        [2, 5, 256],
    )
    add(
        "float32-representable n=300",
        np.concatenate([rng.normal(0.2, 0.05, 200), rng.normal(0.7, 0.1, 100)]).astype(np.float32),
        [256],
        "values are float32 numbers widened to float64 before calling skimage",
    )
    add(
        "relu-like activations n=600",
        np.maximum(0, np.concatenate([rng.normal(0.1, 0.3, 500), rng.normal(2.5, 0.4, 100)])),
        [256],
        "many exact zeros, like dead ReLU activations in NONE",
    )
    return cases


def moments_cases():
    rng = np.random.RandomState(7)
    arrays = {
        "small": np.array([2, 4, 4, 4, 5, 5, 7, 9], dtype=np.float64),
        "normal n=101": rng.normal(3, 2, 101),
        "large offset n=64": 1e9 + rng.normal(0, 1, 64),
        "single value": np.array([3.5]),
        "constant": np.array([-2.0, -2.0, -2.0]),
    }
    probabilities = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1]
    cases = []
    for name, values in arrays.items():
        std0 = values.std(ddof=0)
        case = {
            "name": name,
            "values": [float(v) for v in values],
            "mean": float(values.mean()),
            "variance": {"0": float(values.var(ddof=0))},
            "std": {"0": float(std0)},
            "quantile": {
                "q": probabilities,
                "expected": [float(v) for v in np.quantile(values, probabilities)],
            },
            "zScores": [float(v) for v in ((values - values.mean()) / std0)] if std0 > 0 else None,
        }
        if values.size > 1:
            case["variance"]["1"] = float(values.var(ddof=1))
            case["std"]["1"] = float(values.std(ddof=1))
        cases.append(case)
    return cases


def main():
    otsu = {
        "provenance": {
            "generator": "packages/stats/scripts/generate-python-fixtures.py",
            "implementation": "scikit-image skimage.filters.threshold_otsu(values, nbins=bins)",
            "versions": {"scikit-image": skimage.__version__, "numpy": np.__version__},
            "exactThreshold": "numpy brute force over every distinct value t: argmax of the between-class sum of squares of x <= t vs x > t (first max)",
            "note": "scikit-image >= 0.20 casts histogram counts to float32; every case has n < 8192, so w1*w2 < 2**24 and both versions give identical thresholds.",
        },
        "cases": otsu_cases(),
    }
    moments = {
        "provenance": {
            "generator": "packages/stats/scripts/generate-python-fixtures.py",
            "implementation": "numpy.mean, numpy.var(ddof), numpy.std(ddof), numpy.quantile(method='linear'), (x - mean) / std(ddof=0)",
            "versions": {"numpy": np.__version__},
        },
        "cases": moments_cases(),
    }
    os.makedirs(FIXTURES, exist_ok=True)
    for file_name, data in (("otsu-skimage.json", otsu), ("numpy-moments.json", moments)):
        with open(os.path.join(FIXTURES, file_name), "w") as handle:
            json.dump(data, handle, indent=1)
            handle.write("\n")
        print("wrote", file_name)


if __name__ == "__main__":
    main()
