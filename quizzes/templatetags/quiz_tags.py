from django import template

register = template.Library()


@register.filter
def dictget(mapping: dict, key):
    """`{{ shares|dictget:option.pk }}`: a dict lookup by a variable key, 0 when absent."""
    return mapping.get(key, 0) if mapping else 0
