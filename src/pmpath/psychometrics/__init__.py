"""Psychometrics: classical item analysis now; IRT calibration and adaptive testing to come."""
