"""`{% load charts %}{% chart figures.sales %}`: a chart (core/charts.py) with its legend and its
figures as a table, or its empty text when it has nothing to draw."""

from django import template

from core.charts import Chart, legend

register = template.Library()


@register.inclusion_tag("includes/chart.html")
def chart(chart: Chart) -> dict:
    return {"chart": chart, "legend": legend(chart)}
