"""The printable assessment report: SVG charts and one self-contained HTML page.

Import this package inside the command that needs it: it imports Jinja2 at once.
"""

from pmpath.reports.charts import bars_svg, radar_svg, trend_svg
from pmpath.reports.html import render_report
from pmpath.reports.ladder_chart import ladder_svg

__all__ = ["bars_svg", "ladder_svg", "radar_svg", "render_report", "trend_svg"]
