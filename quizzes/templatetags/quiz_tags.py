from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

register = template.Library()


@register.filter
def dictget(mapping: dict, key):
    """`{{ shares|dictget:option.pk }}`: a dict lookup by a variable key, 0 when absent."""
    return mapping.get(key, 0) if mapping else 0


@register.filter
def number(value) -> str:
    """A stored decimal as a person writes it: 75.48, not 75.4800; 80, not 80.0000."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def from_now(when) -> str:
    """How far a time is from now, as a person says it: "in 3 days", "2 hours ago", "in less than a minute"; never the
    "0 minutes" Django's timeuntil gives for the last seconds."""
    if when is None:
        return ""
    seconds = (when - timezone.now()).total_seconds()
    if abs(seconds) < 60:
        return "in less than a minute" if seconds >= 0 else "less than a minute ago"
    if seconds > 0:
        return f"in {timeuntil(when)}"
    return f"{timesince(when)} ago"
