"""normal_cdf is SciPy's ndtr without SciPy's start-up cost."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr

from pmpath.psychometrics.irt import normal_cdf


def test_normal_cdf_is_scipys_ndtr_from_tail_to_tail() -> None:
    x = np.linspace(-37.0, 37.0, 20_001)
    np.testing.assert_allclose(normal_cdf(x), ndtr(x), rtol=1e-12, atol=0)


def test_normal_cdf_takes_a_number() -> None:
    assert float(normal_cdf(0.0)) == 0.5
    assert float(normal_cdf(1.959964)) == pytest.approx(0.975, abs=1e-8)
