"""Ability per domain, borrowing strength from the other domains.

A placement test asks a few items per domain: on four items alone a domain's estimate has a
standard error near 0.7, too wide to say much. But people's abilities in neighbouring domains
of one job are related, so each domain's estimate starts from what the *other* domains say:

    prior for domain k = N(theta_rest, TAU^2 + se_rest^2)

where ``theta_rest`` is the EAP estimate from every answer outside domain k and ``TAU`` is how
far a person's ability in one domain typically strays from their ability elsewhere. The
domain's own answers then move the estimate from there. With no answers elsewhere the prior is
the population's N(0, 1). ``TAU = 0.5`` is an assumption (a correlation of about 0.8 between
domains), not an estimate from pmpath's data; with enough stored responses it can be checked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pmpath.psychometrics.ability import eap_single
from pmpath.psychometrics.irt import ItemParameters, Vector

TAU = 0.5


def domain_estimates(
    responses: Vector, parameters: ItemParameters, item_domains: Sequence[str]
) -> dict[str, tuple[float, float, int]]:
    """(theta, se, answered) per domain that has items, from 0/1/NaN ``responses``."""
    domains = np.array(item_domains)
    seen = ~np.isnan(responses)
    found: dict[str, tuple[float, float, int]] = {}
    for domain in dict.fromkeys(item_domains):
        inside = domains == domain
        rest = np.where(inside, np.nan, responses)
        if np.any(seen & ~inside):
            mean, spread = eap_single(rest, parameters)
            prior_mean, prior_sd = mean, float(np.hypot(TAU, spread))
        else:
            prior_mean, prior_sd = 0.0, 1.0
        own = np.where(inside, responses, np.nan)
        theta, se = eap_single(own, parameters, prior_mean=prior_mean, prior_sd=prior_sd)
        found[domain] = (theta, se, int(np.sum(seen & inside)))
    return found
