from decimal import Decimal

from django import forms

from calcinosis.calculator import Unit, plausible_max, unit_mixup


class CompareForm(forms.Form):
    """Two graded distributions to set side by side; choices are the conditions and types that have grades."""

    first = forms.ChoiceField(label="Compare", error_messages={"invalid_choice": "Choose a condition from the list."})
    second = forms.ChoiceField(label="with", error_messages={"invalid_choice": "Choose a condition from the list."})

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].choices = self.fields["second"].choices = choices


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the reference",
        max_length=100,
        required=False,
        error_messages={"max_length": "Keep the search under %(limit_value)d characters."},
    )

    def words(self) -> list[str]:
        """The words to look for; none when the form is invalid or empty."""
        if not self.is_valid():
            return []
        return self.cleaned_data["q"].split()[:8]


class CalculatorForm(forms.Form):
    # Text inputs, not type=number: the page must echo back whatever was typed, even "abc", with a message.
    calcium = forms.DecimalField(label="Serum calcium", min_value=Decimal("0.001"), widget=forms.TextInput)
    phosphate = forms.DecimalField(label="Serum phosphate", min_value=Decimal("0.001"), widget=forms.TextInput)
    unit = forms.ChoiceField(
        label="Units", choices=[(u.value, u.value) for u in Unit], initial=Unit.MG_DL.value, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("calcium", "phosphate"):
            field = self.fields[name]
            field.error_messages["min_value"] = f"{field.label} must be above zero."
            field.error_messages["required"] = f"Enter the {field.label.lower()}."
            field.error_messages["invalid"] = f"{field.label} must be a number, such as 9.5."
            field.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self):
        cleaned = super().clean()
        unit = Unit(cleaned["unit"]) if cleaned.get("unit") else None
        for name in ("calcium", "phosphate"):
            value = cleaned.get(name)
            if unit is None or value is None:
                continue
            limit = plausible_max(name, unit)
            if value > limit:
                # Calcium 10.2 "mmol/L" is impossible, but it is an ordinary result in mg/dL: say so.
                mixup = unit_mixup(name, value, unit)
                hint = f" {mixup}." if mixup else ""
                self.add_error(
                    name,
                    f"{value:.6g} {unit} is beyond any serum {name} (at most {limit:.1f} {unit}); "
                    f"check the number and the units.{hint}",
                )
        return cleaned
