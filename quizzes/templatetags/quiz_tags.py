from django import template

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
