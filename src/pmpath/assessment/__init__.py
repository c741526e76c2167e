"""Self-assessment: ratings, placement on the ladder, direction, gap analysis and growth plans.

Pure rules over a checked framework: no I/O, no database, no interface.
"""

from pmpath.assessment.answers import parse_answers, read_answers
from pmpath.assessment.direction import Direction, suggest_direction
from pmpath.assessment.gaps import GapAnalysis, GapRow, analyse_gaps
from pmpath.assessment.placement import Placement, Readiness, RoleFit, place
from pmpath.assessment.plan import GrowthPlan, PlanStep, build_plan
from pmpath.assessment.profile import Confidence, Rating, SelfAssessment

__all__ = [
    "Confidence",
    "Direction",
    "GapAnalysis",
    "GapRow",
    "GrowthPlan",
    "Placement",
    "PlanStep",
    "Rating",
    "Readiness",
    "RoleFit",
    "SelfAssessment",
    "analyse_gaps",
    "build_plan",
    "parse_answers",
    "place",
    "read_answers",
    "suggest_direction",
]
