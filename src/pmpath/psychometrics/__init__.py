"""Psychometrics, pure and without I/O: classical item analysis (:mod:`.classical`), IRT models
and calibration (:mod:`.irt`, :mod:`.calibration`, :mod:`.priors`, :mod:`.fit`), ability
estimates (:mod:`.ability`, :mod:`.domains`, :mod:`.levels`), adaptive testing (:mod:`.cat`),
exam readiness (:mod:`.readiness`) and rater calibration (:mod:`.raters`, :mod:`.rater_design`,
:mod:`.rater_simulation`)."""
